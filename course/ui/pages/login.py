"""Facilitator sign-in (accounts are made from the command line)."""

from __future__ import annotations

import streamlit as st

from course.ui import nav, staff


def show() -> None:
    st.title("For facilitators")
    found = staff.current()
    if found is not None:
        st.success(f"Signed in as {found.username}.")
        if st.button("Open the console", type="primary"):
            nav.go("console")
        if st.button("Sign out"):
            staff.sign_out()
            st.rerun()
        return
    st.markdown(
        "Counselors lead group lessons from here. Accounts are made by your program's "
        "IT person with `python -m course facilitator add NAME`."
    )
    with st.form("facilitator_sign_in"):
        username = st.text_input("Facilitator name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        if st.form_submit_button("Sign in", type="primary"):
            problem = staff.sign_in(username or "", password or "")
            if problem:
                st.error(problem)
            else:
                nav.go("console")


show()
