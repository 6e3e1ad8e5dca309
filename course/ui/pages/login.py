"""Facilitator sign-in (accounts are made from the command line)."""

from __future__ import annotations

import streamlit as st

from course.i18n import tr
from course.ui import nav, staff


def show() -> None:
    st.title(tr("For facilitators"))
    found = staff.current()
    if found is not None:
        st.success(tr("Signed in as {name}.").format(name=found.username))
        if st.button(tr("Open the console"), type="primary"):
            nav.go("console")
        if st.button(tr("Sign out")):
            staff.sign_out()
            st.rerun()
        return
    st.markdown(
        tr(
            "Counselors lead group lessons from here. Accounts are made by your program's "
            "IT person with `python -m course facilitator add NAME`."
        )
    )
    with st.form("facilitator_sign_in"):
        username = st.text_input(tr("Facilitator name"), autocomplete="username")
        password = st.text_input(tr("Password"), type="password", autocomplete="current-password")
        if st.form_submit_button(tr("Sign in"), type="primary"):
            problem = staff.sign_in(username or "", password or "")
            if problem:
                st.error(problem)
            else:
                nav.go("console")


show()
