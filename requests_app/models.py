# Help requests arrive with the requests issue (see ../shared/DESIGN.md §3).
