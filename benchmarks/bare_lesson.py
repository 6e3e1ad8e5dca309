"""A bare Streamlit page showing one step of the lesson, with none of the engine's code.

The baseline for ``benchmarks/bench_rerun.py``: ``streamlit run benchmarks/bare_lesson.py``.
The lesson (and the crisis resources of ``course.yaml``) are parsed with ``yaml.safe_load``
once per process (``st.cache_resource``), so a rerun costs only what Streamlit itself costs to
draw the same things. Query parameters choose what to draw:

- ``step=<step id>`` (default ``three-different-things``): a text step draws its Markdown
  body; a timeline step draws its body, a Plotly bar chart of its events (the same figure the
  engine builds) and one line per event.
- ``frame=1`` (default): the same elements the real lesson page draws around the step: the
  sidebar (quick-exit button, "Get help now" expander with one-tap call/text buttons, note),
  the help line at the top (call/text buttons, the "All help" popover, Exit), the review
  caption, the step subheader, the Sources expander, the buttons in two columns and the
  handout download button.
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
PALETTE = ("#1f5f8b", "#2a7f50", "#a85c1a", "#6a4c93", "#8b1e3f", "#3b7d7d")
NOTE = "This course is education, not medical advice. Talk with a clinician about your own care."
STATIC = {"displayModeBar": False, "staticPlot": True}


@st.cache_resource(show_spinner=False)
def content() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The lesson and the crisis resources, parsed once per process."""
    lesson = yaml.safe_load(LESSON.read_text(encoding="utf-8"))
    course = yaml.safe_load(COURSE.read_text(encoding="utf-8"))
    return lesson, course.get("crisis_resources", [])


def links(item: dict[str, Any]) -> list[tuple[str, str]]:
    label = item.get("short") or item.get("call") or item["name"]
    found = []
    if item.get("call"):
        found.append((f"Call {label}", f"tel:{item['call']}"))
    if item.get("text"):
        found.append((f"Text {label}", f"sms:{item['text']}"))
    return found


def help_list(resources: list[dict[str, Any]], where: str) -> None:
    for n, item in enumerate(resources):
        st.markdown(f"**{item['name']}**")
        with st.container(horizontal=True, gap="small", key=f"help_{where}_{n}"):
            for label, address in links(item):
                st.link_button(label, address, icon=":material/call:")
        st.markdown(item["detail"])
        if item.get("url"):
            st.markdown(f"[{item['url']}]({item['url']})")


def sidebar(resources: list[dict[str, Any]]) -> None:
    with st.sidebar:
        st.button("Quick exit", key="quick_exit", type="primary", icon=":material/logout:")
        with st.expander("Get help now", icon=":material/call:", expanded=True):
            help_list(resources, "side")
        st.markdown(f"_{NOTE}_")


def top_bar(resources: list[dict[str, Any]]) -> None:
    st.html("<style>.st-key-help_line a { min-height: 2.5rem; }</style>")
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="help_line"):
        st.markdown("**Help now:**", width="content")
        for item in resources[:3]:
            for label, address in links(item):
                st.link_button(label, address)
        with st.popover("All help", icon=":material/support:"):
            help_list(resources, "top")
        st.button("Exit", key="quick_exit_top", icon=":material/logout:")


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
