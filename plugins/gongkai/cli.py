"""`gongkai`: the command-line door into the core (the MkDocs plugin is the other)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from . import diagnostics as dg
from .check import check_tree
from .config import build_date

FORMATS = {"text": dg.format_text, "json": dg.format_json, "github": dg.format_github}


def find_root(path: Path) -> Path | None:
    """The data folder that holds `path`: the parent of the county folder above it."""
    path = path.resolve()
    folder = path if path.is_dir() else path.parent
    for candidate in (folder, *folder.parents):
        if (candidate / "county.yml").is_file():
            return candidate.parent
    if folder.is_dir() and any(folder.glob("*/county.yml")):
        return folder
    return None


def _under(diag_path: str, targets: list[Path]) -> bool:
    p = Path(diag_path).resolve()
    return any(p == t or t in p.parents for t in targets)


def cmd_check(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in (args.paths or ["villages"])]
    roots: dict[Path, list[Path]] = {}
    for p in paths:
        if not p.exists():
            print(f"gongkai check: 找不到 {p}", file=sys.stderr)
            return 2
        root = find_root(p)
        if root is None:
            print(f"gongkai check: {p} 不在数据文件夹里（找不到 county.yml）", file=sys.stderr)
            return 2
        roots.setdefault(root, []).append(p.resolve())
    today = args.today or build_date()
    found: list[dg.Diagnostic] = []
    for root, targets in roots.items():
        result = check_tree(root, today)
        found.extend(d for d in result.diagnostics if _under(d.path, targets))
    print(FORMATS[args.format](found))
    return 1 if any(d.is_error for d in found) else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema_export import NAMES, write_schemas

    changed = write_schemas(args.write)
    print(f"已写入 {len(NAMES)} 个 JSON Schema 到 {args.write}（{len(changed)} 个有变化）")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import command

    return command(args.kind, args.village, args.year)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gongkai", description="村务公开数据工具")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="检查数据，不生成网站")
    check.add_argument("paths", nargs="*", help="要检查的文件或文件夹，默认 villages/")
    check.add_argument("--format", choices=sorted(FORMATS), default="text", help="输出格式")
    check.add_argument("--today", type=date.fromisoformat, help="按哪一天计算逾期（默认今天），如 2026-11-22")
    check.set_defaults(func=cmd_check)
    schema = sub.add_parser("schema", help="生成数据文件的 JSON Schema（VS Code 用它补全和提示）")
    schema.add_argument("--write", metavar="DIR", type=Path, default=Path("content/schema"),
                        help="写到哪个文件夹，默认 content/schema")
    schema.set_defaults(func=cmd_schema)
    new = sub.add_parser("new", help="新增一条记录：自动编号，每个字段带中文说明")
    new.add_argument("kind", metavar="KIND", help="decision（决策）、funds（财务公开）、pledge（承诺）或 completed（办结事项）")
    new.add_argument("village", metavar="VILLAGE_PATH", help="村文件夹（里面有 village.yml）")
    new.add_argument("--year", type=int, help="写进哪一年的文件，默认今年；财务公开默认接着上一期")
    new.set_defaults(func=cmd_new)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
