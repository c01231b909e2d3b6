"""An e-mail backend that fails the first ``FAILURES`` sends, then delivers to
Django's in-memory outbox: e-mail delivery is the one thing the tests may fake."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

FAILURES = 0
attempts = 0


class EmailBackend(LocmemBackend):
    def send_messages(self, messages):
        global attempts
        attempts += 1
        if attempts <= FAILURES:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return super().send_messages(messages)
