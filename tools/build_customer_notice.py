"""Build the customer notice letter templates (``templates/{en,fi}/customer_notice.docx``).

The letter that goes with the e-mail of a planned sub-processor change (GDPR Art. 28(2)). Kept
apart from ``build_templates.py`` (the register's document kinds), with the same layout code.
Run ``python tools/build_customer_notice.py`` after changing the wording here.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_templates import ROOT, H, P, render_template

LINES = [
    P("{{ sender }}", bold=True),
    P("{{ date }}"),
    P(""),
    P("{{ customer.name }}"),
    P("{{ customer.business_id }}"),
    P(""),
    H("{{ subject }}", 1),
    P("{%p for line in lines %}"),
    P("{{ line }}"),
    P("{%p endfor %}"),
]

TITLES = {"en": "Notice of a sub-processor change", "fi": "Ilmoitus alikäsittelijämuutoksesta"}


def build(root: Path = ROOT) -> list[Path]:
    written = []
    for language, title in TITLES.items():
        path = root / language / "customer_notice.docx"
        path.write_bytes(render_template(title, LINES, language))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path}")
