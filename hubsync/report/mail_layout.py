"""The layout of a summary mail: its parts as values, and those parts as text and as HTML.

Every value that ends up in the HTML is escaped, because cell contents come from untrusted CSV.
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """A small table of rows (line, column, reason) under a title, cut after `max_rows`."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # table cells for the HTML part
    lines: tuple[str, ...]  # the same rows as sentences for the text part
    more: str


@dataclass(frozen=True)
class Section:
    """A titled part of the mail: lines (a bullet list) and blocks (small tables)."""

    title: str
    lines: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Report:
    """The content shared by the text and the HTML part."""

    intro: tuple[str, ...]
    files_title: str
    header: tuple[str, ...]  # file table column titles
    files: tuple[tuple[str, ...], ...]  # one tuple of cells per file
    sections: tuple[Section, ...]
    footer: str


def as_text(report: Report) -> str:
    """The plain-text part of the mail."""
    out = [*report.intro, ""] if report.intro else []
    if report.files:
        head = report.header
        out.extend([report.files_title, "-" * len(report.files_title)])
        for cells in report.files:
            extra = [f"{h}: {c}" for h, c in zip(head[2:], cells[2:], strict=True) if c]
            out.append(" · ".join([f"- {cells[0]}: {cells[1]}", *extra]))
        out.append("")
    for section in report.sections:
        out.extend([section.title, "-" * len(section.title)])
        out.extend(f"- {line}" for line in section.lines)
        for block in section.blocks:
            out.append(f"{block.title}:")
            out.extend(f"  {line}" for line in block.lines)
            if block.more:
                out.append(f"  {block.more}")
        out.append("")
    out.extend(["--", report.footer])
    return "\n".join(out) + "\n"


def as_html(subject: str, report: Report, language: str) -> str:
    """The HTML part of the mail, every value escaped."""
    e = html.escape
    out = [
        f'<!DOCTYPE html>\n<html lang="{e(language)}"><head><meta charset="utf-8">',
        f"<title>{e(subject)}</title></head>",
        '<body style="font-family: sans-serif; font-size: 14px;">',
    ]
    out.extend(f"<p><strong>{e(line)}</strong></p>" for line in report.intro)
    if report.files:
        out.append(f"<h3>{e(report.files_title)}</h3>")
        out.append(_table(report.header, report.files))
    for section in report.sections:
        out.append(f"<h3>{e(section.title)}</h3>")
        if section.lines:
            out.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in section.lines) + "</ul>")
        for block in section.blocks:
            out.append(f"<p>{e(block.title)}</p>")
            out.append(_table(block.header, block.rows))
            if block.more:
                out.append(f"<p>{e(block.more)}</p>")
    out.append(f'<hr><p style="color: #666; font-size: 12px;">{e(report.footer)}</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    e = html.escape
    cell = 'style="border: 1px solid #ccc; padding: 2px 6px; text-align: left;"'
    out = ['<table style="border-collapse: collapse;">']
    out.append("<tr>" + "".join(f"<th {cell}>{e(h)}</th>" for h in header) + "</tr>")
    out.extend("<tr>" + "".join(f"<td {cell}>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    out.append("</table>")
    return "\n".join(out)
