"""The release as Markdown: the text as printed, tables as pipe tables, charts as images
of ``charts/``."""

from __future__ import annotations

from .document import Chart, Paragraph, Release, Table


def markdown(release: Release) -> str:
    out = [f"# {release.title}", "", f"*{release.subtitle}*", "", release.text(release.lead), ""]
    if release.revisions:
        out += ["## Revisions since the previous release", ""]
        out += [f"- {line}" for line in revision_lines(release)] + [""]
    for section in release.sections:
        out += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out += [release.text(block), ""]
            elif isinstance(block, Table):
                out += [*table(release, block), ""]
            elif isinstance(block, Chart):
                out += [f"![{block.title}](charts/{block.id}.svg)", ""]
                if block.caption:
                    out += [f"*{block.caption}*", ""]
    return "\n".join(out).rstrip() + "\n"


def table(release: Release, block: Table) -> list[str]:
    head = [c.name or " " for c in block.columns]
    align = ["---:" if c.kind != "text" else ":---" for c in block.columns]
    lines = [f"**{block.title}**", "", "| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    for row in block.rows:
        cells = [c if isinstance(c, str) else release.figure(c).text for c in row]
        lines.append("| " + " | ".join(_escaped(c) for c in cells) + " |")
    if block.note:
        lines += ["", f"*{block.note}*"]
    return lines


def _escaped(text: str) -> str:
    return text.replace("|", "\\|")


def revision_lines(release: Release) -> list[str]:
    """One line per revised figure or period, for every format."""
    lines = []
    for r in release.revisions:
        if r.get("kind") == "period":
            lines.append(
                f"{r['period']} {r['flow'].replace('_', ' ')}: {r['old_text']} → {r['new_text']} "
                f"(load {r['load_id']})"
            )
        else:
            lines.append(f"{r['id']}: {r.get('old_text')} → {r.get('new_text')} ({r['status']})")
    return lines
