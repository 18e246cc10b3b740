"""Reports: the month-end MSR/FSR packs that exist, with their snapshot and downloads.

Reads the packs' manifest.json files through dashboards.data (no KPI here: the packs are built by
`pmo report` or the month-end schedule from a pinned snapshot).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import data

MIME = {
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

st.title("Reports")
packs = data.report_packs()
if not packs:
    st.info(
        "No month-end packs yet. `pmo report --month YYYY-MM` builds one from the current "
        "snapshot; the month-end schedule builds last month's pack on its business day.",
        icon=":material/description:",
    )
else:
    st.dataframe(
        pl.DataFrame(
            {
                "Month": [p.month for p in packs],
                "Version": [f"v{p.version}" for p in packs],
                "Snapshot": [p.snapshot_id for p in packs],
                "Generated at": [p.generated_at for p in packs],
                "Reports": [", ".join(k.upper() for k in p.kinds) for p in packs],
                "Formats": [", ".join(p.formats) for p in packs],
            }
        ),
        hide_index=True,
        key="report_list",
    )
    labels = [f"{p.month} v{p.version}" for p in packs]
    chosen = st.selectbox("Pack", labels, key="report_pack")
    pack = packs[labels.index(chosen)]
    st.caption(f"Built from snapshot `{pack.snapshot_id}` (code {pack.code_version}).")
    columns = st.columns(3)
    for index, file in enumerate(sorted(pack.files, key=lambda f: f.name)):
        with columns[index % 3]:
            st.download_button(
                f"{file.name}",
                data=data.report_file(file),
                file_name=file.name,
                mime=MIME.get(file.suffix, "application/octet-stream"),
                key=f"download_{pack.month}_{pack.version}_{file.name}",
                icon=":material/download:",
            )
