"""`gongkai`: the command-line door into the core (the MkDocs plugin is the other)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

from gongkai.check import diagnostics as dg
from gongkai import kinds
from gongkai.load import published
from gongkai.check.checker import check_tree
from gongkai.config import build_date
from gongkai.adapters.samplephotos import PHOTO_PERCENT

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


def _one_county(root: Path, targets: list[Path]) -> str | None:
    """The county folder holding every target, when there is one: only that county need be read."""
    counties = {t.relative_to(root.resolve()).parts[:1] for t in targets}
    return counties.pop()[0] if len(counties) == 1 and () not in counties else None


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
    with tempfile.TemporaryDirectory(prefix="gongkai-published-") as tmp:
        for n, (root, targets) in enumerate(roots.items()):
            since = None
            if args.since:
                try:
                    since = published.export(root, args.since, Path(tmp) / str(n))
                except published.PublishedError as e:
                    print(f"gongkai check --since: {e}", file=sys.stderr)
                    return 2
            result = check_tree(root, today, since=since, only=_one_county(root, targets))
            found.extend(d for d in result.diagnostics if _under(d.path, targets))
    print(FORMATS[args.format](found))
    return 1 if any(d.is_error for d in found) else 0


def cmd_build(args: argparse.Namespace) -> int:
    from gongkai.render import shard
    from gongkai.render.address import normalise
    from gongkai.adapters.sitebuild import build, build_shards, data_dir

    if not args.config_file.is_file():
        print(f"gongkai build: 找不到 {args.config_file}", file=sys.stderr)
        return 2
    if args.jobs is not None and (not args.shards or args.jobs < 1):
        print("gongkai build: --jobs 只和 --shards 一起用，是 1 以上的整数", file=sys.stderr)
        return 2
    try:
        site_url = normalise(args.site_url)
    except ValueError as e:
        print(f"gongkai build --site-url: {e}。网站没有生成。", file=sys.stderr)
        return 2
    if args.shards:
        return build_shards(args.config_file, args.site_dir or Path("site"), args.strict, args.jobs, site_url)
    if args.only is not None:
        problem = shard.unknown_county(data_dir(args.config_file), args.only)
        if problem:
            print(f"gongkai build --only: {problem}。网站没有生成。", file=sys.stderr)
            return 2
        site_dir = args.site_dir or shard.SHARDS_DIR / args.only
    else:
        site_dir = args.site_dir or (shard.SHARDS_DIR / shard.PORTAL_FOLDER if args.portal else Path("site"))
    return build(args.config_file, site_dir, args.strict, only=args.only, portal=args.portal, site_url=site_url)


def cmd_counties(args: argparse.Namespace) -> int:
    import json

    from gongkai.render import address
    from gongkai.render.shard import county_folders
    from gongkai.adapters.sitebuild import data_dir, plugin_options

    root = Path(args.data) if args.data else data_dir(args.config_file)
    names = county_folders(root)
    if not names:
        print(f"gongkai counties: {root} 里没有县文件夹（有 county.yml 的文件夹）", file=sys.stderr)
        return 2
    if not args.plan:
        print(json.dumps(names) if args.json else "\n".join(names))
        return 0
    try:  # where each county is published: its own address (mkdocs.yml counties:), else under the site's
        base = address.site_address(args.site_url, plugin_options(args.config_file).get("public_url"))
        sites = address.county_sites(plugin_options(args.config_file).get("counties"), names)
    except ValueError as e:
        print(f"gongkai counties: {e}", file=sys.stderr)
        return 2
    own = {n: url for n, (url, _) in sites.items()}
    plan = [{"county": n, "url": address.county_address(base, n, own), "own": n in own, "deploy": sites.get(n, ("", ""))[1]}
            for n in names if n in own or not args.own]
    print(json.dumps(plan, ensure_ascii=False) if args.json else
          "\n".join(f"{p['county']}\t{p['url'] or '（没有地址）'}\t{'自己的网站' if p['own'] else '在总站下'}" for p in plan))
    return 0


def cmd_assemble(args: argparse.Namespace) -> int:
    from gongkai.render import shard

    shards: dict[str, Path] = {}
    for item in args.shards or sorted(p for p in shard.SHARDS_DIR.glob("*") if p.is_dir()):
        name, eq, folder = str(item).partition("=")
        path = Path(folder) if eq else Path(item)
        shards.update({name: path} if eq else shard.shard_folders([path]))
    if not shards:
        print("gongkai assemble: 没有县网站可以合并：先运行 gongkai build --only <县文件夹>", file=sys.stderr)
        return 2
    from gongkai.adapters.sitebuild import plugin_options

    # a county with an address of its own (mkdocs.yml counties:) is a site elsewhere, not a folder of the portal
    own = {str(n) for n in (plugin_options(args.config_file).get("counties") or {})} if args.config_file.is_file() else set()
    for name in sorted(own & set(shards)):
        print(f"gongkai assemble: {name} 有自己的网站地址（mkdocs.yml 的 counties），单独发布，不放进总站")
        del shards[name]
    try:
        files = shard.assemble(args.portal, shards, args.out)
    except shard.ShardError as e:
        print(f"gongkai assemble: {e}。没有写入任何文件。", file=sys.stderr)
        return 2
    print(f"gongkai assemble: 总站和 {len(shards)} 个县的网站已合并到 {args.out.resolve()}（{files} 个文件）：{'、'.join(shards)}")
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from gongkai.adapters import deploy

    try:
        done = deploy.deploy(args.site, args.dest, keep=args.keep)
    except deploy.DeployError as e:
        print(f"gongkai deploy: {e}。什么都没有改动。", file=sys.stderr)
        return 2
    print(f"gongkai deploy: 已发布 {args.dest}/releases/{done.release}（{done.files} 个文件，其中 {done.shared} 个与上一版相同），"
          f"{args.dest}/current 已指向它" + (f"；删除了旧版本 {'、'.join(done.removed)}" if done.removed else ""))
    if done.policy_changed:
        print("注意：网站的内容安全策略变了（headers.conf）：请重新加载 nginx（nginx -s reload 或 systemctl reload nginx）",
              file=sys.stderr)
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from gongkai.adapters import deploy

    try:
        back = deploy.rollback(args.dest, args.to)
    except deploy.DeployError as e:
        print(f"gongkai rollback: {e}。什么都没有改动。", file=sys.stderr)
        return 2
    print(f"gongkai rollback: {args.dest}/current 已指向 releases/{back}")
    return 0


def cmd_nginx(args: argparse.Namespace) -> int:
    from gongkai.adapters import deploy

    print(deploy.nginx_conf(args.dest, args.server_name, args.listen), end="")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from gongkai.render.schema_export import files, write_schemas

    changed = write_schemas(args.write)
    print(f"已写入 {len(files())} 个 JSON Schema 到 {args.write}（{len(changed)} 个有变化）")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from gongkai.adapters.scaffold import command

    return command(args.kind, args.village, args.year)


def cmd_import(args: argparse.Namespace) -> int:
    from gongkai.adapters.importer import command

    return command(args.kind, args.file, args.village, args.period, args.opening_balance, args.reviewed, args.published)


# what `gongkai sample` accepts: enough for a province, small enough to finish
SAMPLE_LIMITS = {"counties": 200, "villages": 5000, "years": 30}


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为整数，这里是“{text}”") from None


def _percent(text: str) -> int:
    value = _whole(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"应为 0 到 100 之间的整数，这里是“{text}”")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为日期，如 2026-11-22，这里是“{text}”") from None


def sample_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the arguments of `gongkai sample`, in words for the user; None when fine."""
    for name, most in SAMPLE_LIMITS.items():
        value = getattr(args, name)
        if not 1 <= value <= most:
            return f"--{name} 应为 1 到 {most} 之间的整数，这里是 {value}"
    today = args.today or build_date()
    if today.year - args.years + 1 < 1950:
        return f"--years {args.years} 太多：最早一年早于 1950 年"
    out: Path = args.out
    if out.exists() and not out.is_dir():
        return f"{out} 已存在，而且不是文件夹"
    if out.is_dir() and any(out.iterdir()):
        return f"{out} 已存在且不是空的；为免覆盖已有数据，请换一个文件夹，或先清空它"
    return None


def cmd_sample(args: argparse.Namespace) -> int:
    from gongkai.adapters.sample import generate

    problem = sample_problem(args)
    if problem:
        print(f"gongkai sample: {problem}", file=sys.stderr)
        return 2
    today = args.today or build_date()
    big = args.counties * args.villages >= 50

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    stats = generate(args.out, args.counties, args.villages, args.years, args.seed, today, progress if big else None,
                     photos=args.photos)
    print(f"已生成示例数据到 {args.out}（截至 {today}，种子 {args.seed}）：{stats}")
    print(f"检查：gongkai check {args.out}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from gongkai.render.pages import record_url
    from gongkai.model.integrity import fingerprint
    from gongkai.render.verify import find, read_code

    try:
        code = read_code(args.code)
    except ValueError as e:
        print(f"gongkai verify: {e}", file=sys.stderr)
        return 2
    root = find_root(Path(args.data)) if Path(args.data).exists() else None
    if root is None:
        print(f"gongkai verify: {args.data} 不是数据文件夹（找不到 county.yml）", file=sys.stderr)
        return 2
    result = check_tree(root, build_date())
    if not result.ok:  # the site would not build from this data: say so, then look all the same
        print(f"注意：数据有 {len(result.errors)} 个错误（运行 gongkai check 查看），网站上的记录可能与这里不同。",
              file=sys.stderr)
    found = find(result.tree, code)
    for match in found:
        village, rec = match.village, match.record
        print(f"找到核对码 {code} 的记录：\n"
              f"  地方：{village.county.name} {village.township.name} {village.name}\n"
              f"  类别：{rec.kind_label}\n  编号：{rec.id}\n  标题：{rec.title}\n"
              f"  数据：{dg.display_path(rec.path)}:{rec.line}\n  网页：{record_url(village, rec)}")
        if match.corrected:
            print(f"  注意：这是{match.corrected.date}更正以前的版本（更正原因：{match.corrected.reason}）。\n"
                  f"  纸上的公示印的是更正前的内容；现在的核对码是 {fingerprint(village.slug_path, rec)}，改动见网页上的“更正记录”。")
    if not found:
        print(f"没有找到核对码是 {code} 的记录。可能是：\n"
              "  · 纸上的公示是在记录更正以前打印的：更正后内容变了，核对码也会变。请扫纸上的二维码打开这条记录，看它的“更正记录”；\n"
              "  · 核对码抄错了：请对照纸上的公示再输入一遍；\n"
              "  · 记录在公示后被改动或删除了：可以向村务监督委员会反映，或拨打乡镇监督电话。")
    return 0 if found else 1


def cmd_fmt(args: argparse.Namespace) -> int:
    from gongkai.adapters.fmt import command

    return command(args.paths, args.check, args.diff)


def cmd_amend(args: argparse.Namespace) -> int:
    from gongkai.adapters.amend import command

    return command(args.village, args.since, args.reason, args.date, args.dry_run, build_date())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gongkai", description="村务公开数据工具")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="检查数据，不生成网站")
    check.add_argument("paths", nargs="*", help="要检查的文件或文件夹，默认 villages/")
    check.add_argument("--format", choices=sorted(FORMATS), default="text", help="输出格式")
    check.add_argument("--today", type=date.fromisoformat, help="按哪一天计算逾期（默认今天），如 2026-11-22")
    check.add_argument("--since", metavar="GIT_REF",
                       help="和已公开的版本（如 origin/main）比较：已公开的记录不能悄悄改动或删除")
    check.set_defaults(func=cmd_check)
    schema = sub.add_parser("schema", help="生成数据文件的 JSON Schema（VS Code 用它补全和提示）")
    schema.add_argument("--write", metavar="DIR", type=Path, default=Path("content/schema"),
                        help="写到哪个文件夹，默认 content/schema")
    schema.set_defaults(func=cmd_schema)
    new = sub.add_parser("new", help="新增一条记录：自动编号，每个字段带中文说明")
    new.add_argument("kind", metavar="KIND", help="、".join(f"{k.word}（{k.label}）" for k in kinds.KINDS))
    new.add_argument("village", metavar="VILLAGE_PATH", help="村文件夹（里面有 village.yml）")
    new.add_argument("--year", type=int, help="写进哪一年的文件，默认今年；财务公开默认接着上一期")
    new.set_defaults(func=cmd_new)
    sample = sub.add_parser("sample", help="生成任意规模的示例数据（合法、可复现），用于压力测试",
                            description="生成任意规模的示例数据：每个县的 county.yml 都标注 sample: true。"
                                        "同样的种子和日期生成的文件逐字节相同。")
    sample.add_argument("out", metavar="OUT", type=Path, help="写到哪个文件夹（不存在或为空）")
    sample.add_argument("--counties", type=_whole, default=1, help="县的个数，默认 1")
    sample.add_argument("--villages", type=_whole, default=20, help="每个县的村数，默认 20（每个乡镇 10-20 个村）")
    sample.add_argument("--years", type=_whole, default=5, help="几年的记录，最后一年是 --today 所在的年份，默认 5")
    sample.add_argument("--seed", type=_whole, default=1, help="随机种子，默认 1")
    sample.add_argument("--today", type=_day, help="数据截至哪一天，默认构建日期（今天，或 GONGKAI_BUILD_DATE）")
    sample.add_argument("--photos", type=_percent, default=PHOTO_PERCENT, metavar="百分比",
                        help=f"多少个村（百分比）拍了照片：最后一年张贴的决议公示和每期最大一笔支出的凭证各有一张手机照片；"
                             f"默认 {PHOTO_PERCENT}（试点村），0 为不要照片")
    sample.set_defaults(func=cmd_sample)
    verify = sub.add_parser("verify", help="按核对码找到记录：核对纸上的公示和网上的是否一致",
                            description="按纸质公示上的核对码（如 7K2Q-M9XD）找到对应的记录。"
                                        "小写、不带横线、带空格都可以，字母 O、I、L 会当作数字 0、1、1。")
    verify.add_argument("code", metavar="CODE", help="核对码，如 7K2Q-M9XD")
    verify.add_argument("--data", metavar="DIR", default="villages", help="数据文件夹，默认 villages/")
    verify.set_defaults(func=cmd_verify)
    build = sub.add_parser("build", help="生成网站：构建成功才替换网站文件夹，失败时保持上一次的网站")
    build.add_argument("--strict", action="store_true", help="有任何警告也算失败（发布时用）；没有网站地址也算失败")
    build.add_argument("--site-url", metavar="URL",
                       help="网站发布的地址，如 https://example.github.io/cunwu/：二维码、订阅和网站地图里是完整的网址；"
                            "--only 时是全部县的网站的地址，县网站在它后面加 <县>/（或 mkdocs.yml 里这个县自己的地址）")
    build.add_argument("--site-dir", type=Path,
                       help="网站写到哪个文件夹，默认 site；--only 时默认 shards/<县>，--portal 时默认 shards/_portal")
    build.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"), help="默认 mkdocs.yml")
    which = build.add_mutually_exclusive_group()
    which.add_argument("--only", metavar="COUNTY",
                       help="只生成一个县（县文件夹名，如 nanzhao）：完整的单独网站，发布在总站地址的 <县>/ 下")
    which.add_argument("--portal", action="store_true", help="只生成总站：手写的页面和各县网站的列表，不读各村的记录")
    which.add_argument("--shards", action="store_true",
                       help="每个县单独生成（同时运行几个），再生成总站，合在一起写到 --site-dir")
    build.add_argument("--jobs", type=_whole, help="和 --shards 一起用：同时构建几个，默认 CPU 核数")
    build.set_defaults(func=cmd_build)
    counties = sub.add_parser("counties", help="列出数据里的县文件夹（--json 供 GitHub Actions 的矩阵用）")
    counties.add_argument("--json", action="store_true", help="输出 JSON 列表，如 [\"nanzhao\", \"ningling\"]")
    counties.add_argument("--plan", action="store_true",
                          help="同时列出每个县发布的地址：mkdocs.yml 里 counties 给的自己的地址，或总站地址后加 <县>/；"
                               "own 为 true 的县是单独发布的网站（GitHub Actions 的矩阵用）")
    counties.add_argument("--site-url", metavar="URL", help="总站的地址（publish 工作流从 Pages 的设置取得）")
    counties.add_argument("--own", action="store_true", help="和 --plan 一起用：只列出单独发布的县")
    counties.add_argument("--data", metavar="DIR", help="数据文件夹，默认 mkdocs.yml 里 gongkai 的 data_dir")
    counties.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"), help="默认 mkdocs.yml")
    counties.set_defaults(func=cmd_counties)
    assemble = sub.add_parser("assemble", help="把总站和各县的网站合成一个网站文件夹（总站在最上层，每个县在 <县>/ 下）",
                              description="把 gongkai build --portal 生成的总站和 gongkai build --only 生成的各县网站合在一起。"
                                          "县网站的文件夹名就是县文件夹名；也可以写成 县=文件夹。"
                                          "和总站里的文件重名时拒绝合并，什么都不写。")
    assemble.add_argument("shards", metavar="SHARD_DIR", nargs="*", type=Path,
                          help="各县的网站文件夹，默认 shards/ 下除 _portal 以外的每个文件夹")
    assemble.add_argument("--portal", metavar="DIR", type=Path, default=Path("shards") / "_portal",
                          help="总站文件夹，默认 shards/_portal")
    assemble.add_argument("--out", metavar="DIR", type=Path, default=Path("site"), help="合成到哪个文件夹，默认 site")
    assemble.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"),
                          help="默认 mkdocs.yml：里面 counties 有自己地址的县单独发布，不合进来")
    assemble.set_defaults(func=cmd_assemble)
    dep = sub.add_parser("deploy", help="发布到本县的服务器：新版本放进 DEST/releases/，再一步切换 DEST/current",
                         description="把 gongkai build 生成的网站发布到 DEST/releases/<版本>/（每个文本文件旁边带 .gz 压缩副本），"
                                     "全部写好以后才把 DEST/current 一步切换过去，正在看网页的人不会看到半个网站。"
                                     "保留最近几个版本，gongkai rollback 一条命令回到上一个版本。nginx 配置见 gongkai nginx-conf。")
    dep.add_argument("site", metavar="SITE", type=Path, help="生成好的网站文件夹，如 site")
    dep.add_argument("dest", metavar="DEST", type=Path, help="服务器上的发布目录，如 /srv/gongkai/nanzhao")
    dep.add_argument("--keep", type=_whole, default=3, help="保留最近几个版本，默认 3")
    dep.set_defaults(func=cmd_deploy)
    back = sub.add_parser("rollback", help="回到上一个版本：DEST/current 一步切换回去")
    back.add_argument("dest", metavar="DEST", type=Path, help="发布目录")
    back.add_argument("--to", metavar="RELEASE", help="回到哪个版本（releases/ 下的文件夹名），默认上一个")
    back.set_defaults(func=cmd_rollback)
    ngx = sub.add_parser("nginx-conf", help="打印服务 DEST/current 的 nginx 配置（压缩副本、内容安全策略、缓存时间）")
    ngx.add_argument("dest", metavar="DEST", type=Path, help="发布目录")
    ngx.add_argument("--server-name", default="_", help="网站的域名，如 cunwu.nanzhao.gov.cn，默认 _（任何域名）")
    ngx.add_argument("--listen", default="80", help="nginx 的 listen，默认 80")
    ngx.set_defaults(func=cmd_nginx)
    amend = sub.add_parser("amend", help="改了已公开的记录以后，自动写上更正记录（和 git 里已公开的版本比较）",
                           description="和 --since 给的已公开版本（如 origin/main）比较这个村的记录：每条被改动的已公开记录，"
                                       "在它的 amendments 里加一条更正记录（日期、原因、每个改动的字段和原来的值），"
                                       "文件里其他内容和注释保持原样。删除了已公开的记录、改了以前的更正记录、"
                                       "文件通不过检查时，什么都不写并说明原因。")
    amend.add_argument("village", metavar="VILLAGE_PATH", help="村文件夹（里面有 village.yml）")
    amend.add_argument("--since", metavar="GIT_REF", required=True, help="已公开的版本，如 origin/main 或 main")
    amend.add_argument("--reason", required=True, help="为什么改，如“录入错误，按会议记录更正”")
    amend.add_argument("--date", type=_day, help="更正日期，默认构建日期（今天）")
    amend.add_argument("--dry-run", action="store_true", help="只列出要写的更正记录，不写文件")
    amend.set_defaults(func=cmd_amend)
    fmt = sub.add_parser("fmt", help="把数据文件整理成规范格式（缩进、字段顺序、引号），注释和空行保留",
                         description="按 gongkai new 写出的格式整理数据文件：每级缩进两个空格，字段按文书指南的顺序，"
                                     "区划代码加双引号，编号不加引号。注释和空行保留。gongkai check 对不规范的文件给出 GK114 警告。")
    fmt.add_argument("paths", nargs="*", metavar="PATH", help="要整理的文件或文件夹，默认 villages/")
    fmt.add_argument("--check", action="store_true", help="只检查，不改文件：有文件需要整理时退出码为 1")
    fmt.add_argument("--diff", action="store_true", help="只打印要做的改动（统一差异格式），不改文件")
    fmt.set_defaults(func=cmd_fmt)
    imp = sub.add_parser("import", help="导入会计软件或表格导出的收支明细账（.csv 或 .xlsx），写成财务公开数据",
                         description="把收支明细账导入村的 funds/<年份>.yml：每一行都先检查，有问题的行按表格行号列出，"
                                     "有一行不对就什么都不写。本站下载的 funds-entries.csv 原样就能导入。")
    imp.add_argument("kind", metavar="KIND", help="导入什么：funds（财务公开的收支明细）")
    imp.add_argument("file", metavar="FILE", help="明细账文件：.csv（UTF-8 或 GBK）或 .xlsx")
    imp.add_argument("village", metavar="VILLAGE_PATH", help="村文件夹（里面有 village.yml）")
    imp.add_argument("--period", help="全部明细属于哪一期，如 2024-Q3 或 2024-03；不写时按“期间”列或每笔的日期分期")
    imp.add_argument("--opening-balance", metavar="YUAN", help="第一期的期初余额（村里还没有财务公开时才需要），如 86000.00")
    imp.add_argument("--reviewed", type=_day, help="民主理财小组审核日期，默认构建日期（今天）")
    imp.add_argument("--published", type=_day, help="公开日期，默认构建日期（今天）")
    imp.set_defaults(func=cmd_import)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
