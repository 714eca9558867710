"""Email: accounts, sending approved follow-ups, drafts in the user's mailbox, replies noticed.

Protocol code (smtp.py, imap.py) is kept apart from processing (compose.py, replies.py): the poller
fetches bytes and hands them to `replies.process_message`, which tests call directly too.
"""
