"""A reviewer's decision on a stored submission: recorded in the register, its letter written, the director e-mailed."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coursereview.errors import CourseReviewError
from coursereview.findings import Finding
from coursereview.review import Decision, Review
from coursereview.staff import accounts
from coursereview.staff.outbox import DOCX, Outbox, SendResult, SmtpConfig, compose
from coursereview.staff.register import DecisionError, record_decision
from coursereview.staff.submissions import StoredSubmission, SubmissionStore
from coursereview.tally import fmt

CHOICES = {"approve": "Approve", "conditions": "Approve with conditions", "return": "Return for correction"}
CONDITIONS_LEAD = "Approved on these conditions: "
DEFAULT_SENDER = "IIMC Education Department <education@iimc.example>"


@dataclass(frozen=True)
class Mailer:
    """Where decision e-mails go: always the outbox; also SMTP when ``smtp`` is set."""

    outbox: Outbox
    sender: str = DEFAULT_SENDER
    smtp: SmtpConfig | None = None

    def send_waiting(self) -> SendResult:
        """Send what waits in the outbox (nothing without SMTP: the outbox is then the delivery)."""
        return self.outbox.send_waiting(self.smtp)


@dataclass(frozen=True)
class Decided:
    """What a decision did: the decision recorded, its message in the outbox, and the send pass after it."""

    decision: Decision
    message: Path
    send: SendResult | None


@dataclass(frozen=True)
class Changes:
    """What changed between an earlier version and this one."""

    earlier: StoredSubmission
    fixed: tuple[Finding, ...]  # found in the earlier version, gone now
    new: tuple[Finding, ...]  # found now, not in the earlier version
    kept: int  # found in both
    hours: tuple[float, float]  # before, after
    points: tuple[float, float]
    verdict: tuple[str, str]


def decision_of(choice: str, note: str, conditions: str) -> tuple[str, str]:
    """Return the register's (decision, note) for a form's ``choice``; conditions go first in the note."""
    note, conditions = (note or "").strip(), (conditions or "").strip()
    if choice == "approve":
        return "approved", note
    if choice == "conditions":
        if not conditions:
            raise DecisionError("an approval with conditions needs the conditions")
        return "approved", f"{CONDITIONS_LEAD}{conditions}" + (f" {note}" if note else "")
    if choice == "return":
        if not note:
            raise DecisionError("a return needs a note saying what is still required")
        return "returned", note
    raise DecisionError(f"choose one of: {', '.join(CHOICES.values())}")


def has_conditions(note: str) -> bool:
    return note.startswith(CONDITIONS_LEAD)


def decide(store: SubmissionStore, submission: StoredSubmission, review: Review, choice: str, reviewer: str,
           note: str = "", conditions: str = "", override: bool = False, mailer: Mailer | None = None,
           pdf: Callable[[bytes], bytes] | None = None, address: str = "") -> Decided:
    """Record ``reviewer``'s decision on ``submission`` (``review`` is its check) and tell the director.

    The decision goes through ``register.record_decision``, the same function ``coursereview decide``
    calls; once it is recorded nothing after it can lose it: the letter and the e-mail are made from
    the register's record, the message lands in the outbox, and a failed send leaves it there.
    """
    if review.submission.sha256 != submission.sha256:
        raise DecisionError(f"{submission.reference}: the review is not of this submission")
    decision, text = decision_of(choice, note, conditions)
    recorded = record_decision(store.db, review, decision, reviewer, text, override)
    detail = f"{decision}{' (override)' if recorded.override else ''}; tool verdict {review.verdict}; " \
             f"criteria {review.criteria.id}@{review.criteria.version}"
    accounts.audit(store.db, reviewer, "decision", submission.reference, detail, address, recorded.decided_at)
    mailer = mailer or Mailer(Outbox(store.root / "outbox"))
    message = decision_message(submission, review, recorded, mailer.sender, pdf)
    path = mailer.outbox.put(message, f"{submission.reference}-{decision}")
    sent = mailer.send_waiting() if mailer.smtp else None
    return Decided(recorded, path, sent)


def letter_for(review: Review, decision: Decision) -> bytes:
    """Return the status letter (docx) for ``decision``; dated and stamped by the decision, so it is the same
    letter every time it is made (the director's status page makes it again)."""
    from coursereview.documents.letter import build_letter

    return build_letter(review, decision, stamp=decision.decided_at)


def decision_message(submission: StoredSubmission, review: Review, decision: Decision, sender: str,
                     pdf: Callable[[bytes], bytes] | None = None):  # type: ignore[no-untyped-def]
    """Return the e-mail to the director: the outcome and what is still required in plain text, the letter attached."""
    letter = letter_for(review, decision)
    name = f"{submission.reference}-letter"
    attachments = [(f"{name}.docx", DOCX, letter)]
    if pdf is not None:
        with contextlib.suppress(CourseReviewError):  # the Word letter is enough; PDF is a courtesy
            attachments.append((f"{name}.pdf", "application/pdf", pdf(letter)))
    title = submission.program_title or submission.file_name
    if decision.decision == "approved":
        subject = f"Program approved: {title} ({submission.reference})"
    else:
        subject = f"Program review, status update: {title} ({submission.reference})"
    return compose(sender, f"{submission.director_name} <{submission.director_email}>", subject,
                   decision_text(submission, review, decision), tuple(attachments))


def decision_text(submission: StoredSubmission, review: Review, decision: Decision) -> str:
    """Return the plain-text body of the decision e-mail."""
    from coursereview.documents.letter import required_items

    title = submission.program_title or submission.file_name
    when = decision.decided_at.strftime("%d %B %Y")
    lines = [f"Dear {submission.director_name},", ""]
    if decision.decision == "approved":
        t = review.tally
        lines.append(f"IIMC approved {title} on {when}. A participant who attends the whole program earns "
                     f"{fmt(t.points)} points ({fmt(t.contact_hours)} contact hours).")
        if has_conditions(decision.note):
            lines += ["", "The approval has conditions:", "", decision.note[len(CONDITIONS_LEAD):]]
        elif decision.note:
            lines += ["", f"The reviewer adds: {decision.note}"]
    else:
        lines.append(f"IIMC reviewed {title} on {when} and returned it: it cannot be approved as submitted.")
        items = required_items(review)
        if decision.note:
            lines += ["", f"The reviewer's note: {decision.note}"]
        if items:
            lines += ["", "What is still required:", ""]
            for number, item in enumerate(items, start=1):
                text = " ".join(x for x in (f"{item.where}:" if item.where else "", item.what, item.how) if x)
                lines.append(f"{number}. {text}")
        lines += ["", "Correct the program and submit the corrected version from your status page "
                      "(the private link on your receipt), quoting the reference above."]
    lines += ["", f"Reference: {submission.reference}", "The letter is attached.", "",
              "IIMC Education Department", ""]
    return "\n".join(lines)


def changes(earlier: StoredSubmission, earlier_review: Review, current_review: Review) -> Changes:
    """Return what changed from ``earlier`` (checked as ``earlier_review``) to ``current_review``."""
    before = {_key(f): f for f in earlier_review.findings}
    after = {_key(f): f for f in current_review.findings}
    fixed = tuple(f for k, f in before.items() if k not in after)
    new = tuple(f for k, f in after.items() if k not in before)
    return Changes(earlier, fixed, new, len(set(before) & set(after)),
                   (earlier_review.tally.contact_hours, current_review.tally.contact_hours),
                   (earlier_review.tally.points, current_review.tally.points),
                   (earlier_review.verdict, current_review.verdict))


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.code, f.path_text, f.message)


def audit_assignment(store: SubmissionStore, submission: StoredSubmission, reviewer: str, address: str = "",
                     now: dt.datetime | None = None) -> None:
    """Assign ``submission`` to ``reviewer`` and write it in the audit log."""
    from coursereview.staff.submissions import assign

    assign(store, submission, reviewer, now)
    accounts.audit(store.db, reviewer, "assigned", submission.reference, f"to {reviewer}", address, now)
