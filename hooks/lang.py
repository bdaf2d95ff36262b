"""Material writes lang="zh"; browsers, screen readers and search engines want zh-CN (Simplified)."""

from __future__ import annotations


def on_post_page(output: str, page, config) -> str:
    return output.replace('<html lang="zh"', '<html lang="zh-CN"', 1)


def on_post_template(output_content: str, template_name: str, config) -> str:
    # 404.html and other theme templates are not pages, but readers land on them too.
    return on_post_page(output_content, None, config)
