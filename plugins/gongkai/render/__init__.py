"""Pages and files: boards, record pages, notices, feeds, search, open data, kiosk screens."""
