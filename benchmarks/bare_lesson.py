"""A bare Streamlit page showing one step of the lesson, with none of the engine's code.

The baseline for ``benchmarks/bench_rerun.py``: ``streamlit run benchmarks/bare_lesson.py``.
The lesson (and the crisis resources of ``course.yaml``) are parsed with ``yaml.safe_load``
once per process (``st.cache_resource``), so a rerun costs only what Streamlit itself costs to
draw the same things. Query parameters choose what to draw:

- ``step=<step id>`` (default ``three-different-things``): a text step draws its Markdown
  body; a timeline step draws its body, a Plotly bar chart of its events (the same figure the
  engine builds) and one line per event.
- ``frame=1`` (default): the same elements the real lesson page draws around the step: the
  sidebar (quick-exit button, "Get help now" expander, note), the help line with its Exit
  button at the top, the review caption, the step
  subheader, the Sources expander, the buttons in two columns and the handout download button.
  ``frame=0``: only the title, the step body, a progress bar and two buttons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st
import yaml

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "lessons" / "tolerance-dependence-addiction.yaml"
COURSE = ROOT / "lessons" / "course.yaml"
PALETTE = ("#1f5f8b", "#2e8b57", "#b5651d", "#6a4c93", "#8b1e3f", "#3b7d7d")
NOTE = "This course is education, not medical advice. Talk with a clinician about your own care."
STATIC = {"displayModeBar": False, "staticPlot": True}


@st.cache_resource(show_spinner=False)
def content() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The lesson and the crisis resources, parsed once per process."""
    lesson = yaml.safe_load(LESSON.read_text(encoding="utf-8"))
    course = yaml.safe_load(COURSE.read_text(encoding="utf-8"))
    return lesson, course.get("crisis_resources", [])


def sidebar(resources: list[dict[str, Any]]) -> None:
    with st.sidebar:
        st.button("Quick exit", key="quick_exit", type="primary", icon=":material/logout:")
        with st.expander("Get help now", icon=":material/call:", expanded=True):
            lines = []
            for item in resources:
                contact = (
                    f"[{item['contact']}]({item['url']})" if item.get("url") else item["contact"]
                )
                lines.append(f"- **{item['name']}**: {contact}. {item['detail']}")
            st.markdown("\n".join(lines))
        st.caption(NOTE)


def top_bar(resources: list[dict[str, Any]]) -> None:
    numbers = " · ".join(item["contact"] for item in resources[:3])
    help_col, exit_col = st.columns([4, 1], vertical_alignment="center")
    help_col.caption(f"**Need help now?** {numbers}")
    exit_col.button("Exit", key="quick_exit_top", icon=":material/logout:")


def timeline(step: dict[str, Any]) -> None:
    events = step["events"]
    span = max(e["end"] for e in events) or 1.0
    figure = go.Figure(
        go.Bar(
            y=[e["label"] for e in events],
            x=[max(e["end"] - e["start"], span / 100) for e in events],
            base=[e["start"] for e in events],
            orientation="h",
            marker_color=[PALETTE[i % len(PALETTE)] for i in range(len(events))],
            hovertext=[e.get("detail") or e["label"] for e in events],
            hoverinfo="text",
        )
    )
    figure.update_yaxes(autorange="reversed", title=None)
    figure.update_xaxes(title=step["unit"].capitalize(), rangemode="tozero")
    figure.update_layout(
        height=120 + 48 * len(events),
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        font={"size": 15},
        showlegend=False,
        legend={"orientation": "h", "y": -0.3},
    )
    unit = step["unit"]
    described = "; ".join(f"{e['label']}: {e['start']:g} to {e['end']:g} {unit}" for e in events)
    st.plotly_chart(figure, config=STATIC, alt=f"Timeline in {unit}. {described}")
    for e in events:
        st.markdown(
            f"- **{e['start']:g}–{e['end']:g} {unit}: {e['label']}.** {e.get('detail') or ''}"
        )


def main() -> None:
    st.set_page_config(page_title="Opioids and recovery: a course", page_icon=":material/school:")
    lesson, resources = content()
    steps = lesson["steps"]
    step_id = st.query_params.get("step", steps[0]["id"])
    index = next(i for i, s in enumerate(steps) if s["id"] == step_id)
    step = steps[index]
    framed = st.query_params.get("frame", "1") != "0"

    if framed:
        sidebar(resources)
        top_bar(resources)
    st.title(lesson["title"])
    if framed and not lesson["reviewed"]["clinical"]:
        st.caption("This lesson has not yet been reviewed by a clinician.")
    st.progress((index + 1) / len(steps), text=f"Step {index + 1} of {len(steps)}")
    if framed:
        st.subheader(step["title"])
    if step["kind"] == "timeline":
        if step.get("body"):
            st.markdown(step["body"])
        timeline(step)
    else:
        st.markdown(step["body"])
    if framed:
        known = {s["id"]: s for s in lesson["sources"]}
        with st.expander("Sources", icon=":material/menu_book:"):
            st.markdown(
                "\n".join(
                    f"- [{s['title']}]({s['url']}). {s['publisher']}, {s['year']}."
                    for s in (known[i] for i in step.get("sources", []) if i in known)
                )
            )
        back, forward = st.columns(2)
        if index > 0:
            back.button("Back", icon=":material/arrow_back:", width="stretch")
        forward.button("Next", type="primary", icon=":material/arrow_forward:", width="stretch")
        st.download_button(  # the lesson page's handout button (its file is made on click)
            "Printable handout", lambda: lesson["title"], file_name="handout.html",
            mime="text/html", icon=":material/print:", on_click="ignore",
        )  # fmt: skip
    else:
        st.button("Back", icon=":material/arrow_back:")
        st.button("Next", type="primary", icon=":material/arrow_forward:")


main()
