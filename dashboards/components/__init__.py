"""Pure chart builders, number formats and the Streamlit building blocks the pages share."""
