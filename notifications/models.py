"""The outbox: one row per message to one address, kept after sending.

This app imports none of the project's other apps; it knows the object a message is
about only through a generic relation.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.CharField(
        _("key"), max_length=200, unique=True, help_text=_("Unique per message, so nothing is queued or sent twice.")
    )
    kind = models.CharField(_("kind"), max_length=50)
    to_email = models.EmailField(_("to"))
    to_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True, help_text=_("A list of {filename, mimetype, content} objects.")
    )
    headers = models.JSONField(
        _("headers"),
        default=dict,
        db_default={},
        blank=True,
        help_text=_("Extra headers of this message, such as Reply-To or List-Unsubscribe."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, help_text=_("After a temporary failure: not retried before this.")
    )
    last_error = models.TextField(_("last error"), blank=True)
    # Content types are never deleted in practice; protect the audit trail if one were.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # A resend is a new message with its own key; the original stays as it was sent.
    resend_of = models.ForeignKey(
        "self",
        verbose_name=_("resend of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resends",
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="notif_about"),
            models.Index(fields=["status", "updated_at"], name="notif_status_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notifications_sent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to_email} ({self.get_status_display()})"


class BouncedAddress(models.Model):
    """An address a mail server refused for good (a 5xx for the recipient): nothing more is sent to it.

    Kept by address, not by person, so the outbox stays free of the domain apps; correcting a
    person's email to another address ends it for them, and an officer may clear it once the
    mailbox is known to work again.
    """

    email = models.EmailField(_("address"), unique=True)
    reason = models.TextField(_("server answer"), blank=True)
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("bounced message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    bounced_at = models.DateTimeField(_("bounced"), auto_now_add=True)

    class Meta:
        verbose_name = _("bounced address")
        verbose_name_plural = _("bounced addresses")
        ordering = ["-bounced_at", "-pk"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
