"""Entry point: `streamlit run streamlit_app.py` (or `make run`)."""

from course.ui.app import main

main()
