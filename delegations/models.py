"""People and the groups they travel in."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from officers.models import TimeStampedModel
from partners.models import City, Organisation

from .tokens import token_hash_unusable


class Participant(TimeStampedModel):
    class Profession(models.TextChoices):
        POLICE = "police", _("Police officer")
        SOCIAL_WORK = "social_work", _("Social worker")
        PREVENTION = "prevention", _("Crime prevention expert")
        ELECTED = "elected", _("Elected official")
        CIVIL_SERVANT = "civil_servant", _("Civil servant")
        JUSTICE = "justice", _("Justice practitioner")
        NGO = "ngo", _("NGO practitioner")
        ACADEMIC = "academic", _("Academic")
        COMMUNICATIONS = "communications", _("Communications")
        OTHER = "other", _("Other")

    # Erasing a login keeps the person's roster history; the link is simply dropped.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    profession = models.CharField(_("profession"), max_length=20, choices=Profession.choices, default=Profession.OTHER)
    home_city = models.ForeignKey(
        City,
        verbose_name=_("home city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    dietary_needs = models.TextField(_("dietary needs"), blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=200, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=40, blank=True)
    # The optional mail a person may turn off (RFC 8058 one-click links, /my/mail/); the
    # itinerary, its changes and safety messages always go.
    reminders_mail = models.BooleanField(
        _("reminders"),
        default=True,
        db_default=True,
        help_text=_("Reminders before a visit and about follow-ups you own."),
    )
    lessons_requests_mail = models.BooleanField(
        _("requests for lessons learned"),
        default=True,
        db_default=True,
        help_text=_("The request for lessons learned after a visit."),
    )
    # Who entered the person: until they join a roster, only that officer (and admins) can see them.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="delegations_participant_unique_email",
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("delegations:participant_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    # Which optional-mail switch each kind of optional message obeys.
    OPTIONAL_MAIL = {
        "visit_reminder": "reminders_mail",
        "follow_up_reminder": "reminders_mail",
        "visit_lessons_request": "lessons_requests_mail",
    }

    def wants_mail(self, kind: str) -> bool:
        """Whether the person gets a message of ``kind``: always, unless it is optional mail they turned off."""
        switch = self.OPTIONAL_MAIL.get(kind)
        return switch is None or getattr(self, switch)

    @property
    def home_zone(self):
        return self.home_city.zone if self.home_city_id else None


class Delegation(models.Model):
    """A travelling group: who goes, from which cities, led by whom."""

    name = models.CharField(_("name"), max_length=200)
    home_cities = models.ManyToManyField(City, verbose_name=_("home cities"), related_name="delegations")
    # The head is a person; removing them leaves the delegation headless rather than gone.
    head = models.ForeignKey(
        Participant,
        verbose_name=_("head of delegation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_delegations",
    )
    notes = models.TextField(_("notes"), blank=True)
    # Who formed the group: until a visit of their programme takes it, only they (and admins) see it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[home_cities])

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DelegationMemberQuerySet(models.QuerySet):
    def visible_to_delegates(self):
        """Members who see the visit and are seen by their co-delegates: invited or confirmed."""
        return self.filter(status__in=DelegationMember.VISIBLE_STATUSES)


class DelegationMember(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        EXPERT = "expert", _("Expert")
        COORDINATOR = "coordinator", _("Coordinator")
        INTERPRETER = "interpreter", _("Interpreter")
        OBSERVER = "observer", _("Observer")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Who travels (or may still): they see the visit, are shown to co-delegates, are invited and reported.
    # Lookups through a relation (``delegation__members__status__in``) name this list too.
    VISIBLE_STATUSES = (Status.INVITED, Status.CONFIRMED)

    delegation = models.ForeignKey(
        Delegation, verbose_name=_("delegation"), on_delete=models.CASCADE, related_name="members"
    )
    # A person on a roster is history: erase them by anonymising, never by deleting the row.
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)

    history = HistoricalRecords()

    objects = DelegationMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["delegation", "participant__last_name", "participant__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["delegation", "participant"], name="delegations_member_unique_participant"),
        ]

    def __str__(self):
        return f"{self.participant} – {self.delegation} ({self.get_role_display()})"


class Invitation(models.Model):
    """One invitation email sent to a delegation member: a one-time link to set a password.

    Only a hash of the link's token is stored. Sending again supersedes the earlier links.
    """

    member = models.ForeignKey(
        DelegationMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, editable=False, default=token_hash_unusable
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="delegations_invitation_expires_after_sent",
            ),
        ]

    def __str__(self):
        return f"{self.member.participant} ({self.created_at:%Y-%m-%d})"
