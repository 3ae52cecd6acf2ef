"""Load the City Pair demo programme (shared/reference/city-pair-article.txt).

Idempotent: every row is found by a natural key and brought up to date, so a second
run changes nothing. The upcoming return visit is dated a month after the first load
and keeps its dates on later loads.
"""

import datetime as dt
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from delegations.models import Delegation, DelegationMember, Participant
from outcomes.models import FollowUp, ItemNote, Lesson
from partners.models import City, NetworkMembership, Organisation
from visits.models import ItineraryItem, Programme, StudyVisit, Theme, TravelLeg, VisitStop

DEMO_PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-password"

Kind = Organisation.Kind
Item = ItineraryItem.Kind
Role = DelegationMember.Role
Profession = Participant.Profession

CITIES = {
    "liege": ("Liège", "Wallonia", "BE", "Europe/Brussels"),
    "verviers": ("Verviers", "Wallonia", "BE", "Europe/Brussels"),
    "brussels": ("Brussels", "Brussels-Capital", "BE", "Europe/Brussels"),
    "nashville": ("Nashville", "Tennessee", "US", "America/Chicago"),
    # Chattanooga keeps Eastern time although it is in Tennessee: the visit crosses a zone.
    "chattanooga": ("Chattanooga", "Tennessee", "US", "America/New_York"),
    "washington": ("Washington", "District of Columbia", "US", "America/New_York"),
    "paris": ("Paris", "Île-de-France", "FR", "Europe/Paris"),
    "strasbourg": ("Strasbourg", "Grand Est", "FR", "Europe/Paris"),
    "barcelona": ("Barcelona", "Catalonia", "ES", "Europe/Madrid"),
}

# The 2019 visit's travel, for the whole delegation. The article gives no carriers, flight numbers
# or times: these are plausible ones, chosen for the demo (the coach and the domestic flight keep
# the times the demo's itinerary always had). Each time is the wall clock where it happens:
# (kind, from, from place, departs, to, to place, arrives, carrier, reference)
LEGS_2019 = [
    (
        TravelLeg.Kind.FLIGHT,
        "brussels",
        "Brussels Airport (BRU)",
        "2019-11-03 10:05",  # CET: Europe left summer time on 27 October
        "nashville",
        "Nashville International Airport (BNA)",
        "2019-11-03 16:40",  # CST: the United States left daylight saving time at 02:00 that morning
        "United Airlines, via Washington Dulles",
        "UA 951 / UA 2139",
    ),
    (
        TravelLeg.Kind.COACH,
        "nashville",
        "Downtown Nashville hotel",
        "2019-11-05 11:00",  # CST
        "chattanooga",
        "Chattanooga City Hall",
        "2019-11-05 14:15",  # EST: Chattanooga keeps Eastern time
        "Charter coach booked by Meridian",
        "",
    ),
    (
        TravelLeg.Kind.FLIGHT,
        "chattanooga",
        "Chattanooga Metropolitan Airport (CHA)",
        "2019-11-06 18:10",  # EST
        "washington",
        "Ronald Reagan Washington National Airport (DCA)",
        "2019-11-06 20:05",  # EST
        "American Airlines",
        "AA 4617",
    ),
    (
        TravelLeg.Kind.FLIGHT,
        "washington",
        "Washington Dulles International Airport (IAD)",
        "2019-11-09 17:45",  # EST
        "brussels",
        "Brussels Airport (BRU)",
        "2019-11-10 07:45",  # CET, the next morning
        "United Airlines",
        "UA 950",
    ),
]

# What the demo showed as items before legs existed; a later load replaces them.
TRAVEL_ITEMS_2019 = [
    "Arrival at Nashville International Airport",
    "Coach to Chattanooga",
    "Flight to Washington DC",
    "Flight home to Brussels",
]

# key: (name, acronym, kind, city key, parent key)
ORGANISATIONS = {
    "efus": ("European Forum for Urban Security", "Efus", Kind.NETWORK, "paris", None),
    "scn": ("Strong Cities Network", "SCN", Kind.NETWORK, None, None),
    "meridian": ("Meridian International Center", "Meridian", Kind.NGO, "washington", None),
    "embassy": ("Embassy of the United States in Belgium", "", Kind.EMBASSY, "brussels", None),
    "embassy_oec": ("Office for Education & Culture, US Embassy in Belgium", "", Kind.EMBASSY, "brussels", "embassy"),
    "dhs": ("Department of Homeland Security", "DHS", Kind.GOVERNMENT, "washington", None),
    "state_ct": (
        "Bureau of Counterterrorism and Countering Violent Extremism, US Department of State",
        "CT Bureau",
        Kind.GOVERNMENT,
        "washington",
        None,
    ),
    "liege_city": ("City of Liège", "", Kind.MUNICIPALITY, "liege", None),
    "verviers_city": ("City of Verviers", "", Kind.MUNICIPALITY, "verviers", None),
    "nashville_city": (
        "Metropolitan Government of Nashville and Davidson County",
        "Metro Nashville",
        Kind.MUNICIPALITY,
        "nashville",
        None,
    ),
    "chattanooga_city": ("City of Chattanooga", "", Kind.MUNICIPALITY, "chattanooga", None),
    "strasbourg_city": ("City of Strasbourg", "", Kind.MUNICIPALITY, "strasbourg", None),
    "barcelona_city": ("Barcelona City Council", "", Kind.MUNICIPALITY, "barcelona", None),
    "liege_police": ("Liège Local Police", "", Kind.POLICE, "liege", None),
    "verviers_police": ("Vesdre Police Zone", "", Kind.POLICE, "verviers", None),
    "nashville_police": ("Metro Nashville Police Department", "MNPD", Kind.POLICE, "nashville", None),
    "chattanooga_police": ("Chattanooga Police Department", "CPD", Kind.POLICE, "chattanooga", None),
    "liege_prevention": ("Liège Social Prevention Service", "", Kind.MUNICIPALITY, "liege", None),
    "nashville_ngo": ("Example Community Mediation Center (demo)", "", Kind.CIVIL_SOCIETY, "nashville", None),
    "chattanooga_ngo": ("Example Youth Empowerment Alliance (demo)", "", Kind.CIVIL_SOCIETY, "chattanooga", None),
    "interfaith": ("Example Interfaith Council of Tennessee (demo)", "", Kind.CIVIL_SOCIETY, "nashville", None),
    "university": ("Example State University Justice Lab (demo)", "", Kind.ACADEMIC, "nashville", None),
}

# The French names delegates from Liège and Verviers read; the others stay as the organisations write them.
ORGANISATION_NAMES_FR = {
    "efus": "Forum européen pour la sécurité urbaine",
    "embassy": "Ambassade des États-Unis en Belgique",
    "embassy_oec": "Bureau de l’éducation et de la culture, ambassade des États-Unis en Belgique",
    "dhs": "Département de la Sécurité intérieure",
    "liege_city": "Ville de Liège",
    "verviers_city": "Ville de Verviers",
    "strasbourg_city": "Ville de Strasbourg",
    "barcelona_city": "Mairie de Barcelone",
    "liege_police": "Police locale de Liège",
    "verviers_police": "Zone de police Vesdre",
    "liege_prevention": "Service de prévention sociale de Liège",
}

THEMES = [
    ("crime-prevention", "Local security and crime prevention", "Sécurité locale et prévention de la criminalité"),
    ("restorative-justice", "Restorative justice", "Justice restaurative"),
    ("citizen-participation", "Citizen participation and community empowerment", "Participation citoyenne"),
    ("urban-development", "Urban development and quality of life", "Développement urbain et qualité de vie"),
    (
        "violent-extremism",
        "Countering terrorism and violent extremism",
        "Lutte contre le terrorisme et l'extrémisme violent",
    ),
]

# key: (first, last, email, organisation, position, profession, home city, language)
PARTICIPANTS = {
    "mayor": (
        "Willy",
        "Demeyer",
        "",
        "liege_city",
        "Mayor of Liège, President of Efus",
        Profession.ELECTED,
        "liege",
        "fr",
    ),
    "delegate": (
        "Camille",
        "Exemple",
        "delegate@example.org",
        "liege_police",
        "Chief inspector, community policing",
        Profession.POLICE,
        "liege",
        "fr",
    ),
    "police_verviers": (
        "Marc",
        "Fictif",
        "marc.fictif@example.org",
        "verviers_police",
        "Commissioner",
        Profession.POLICE,
        "verviers",
        "fr",
    ),
    "social_liege": (
        "Sophie",
        "Démo",
        "sophie.demo@example.org",
        "liege_prevention",
        "Street social worker",
        Profession.SOCIAL_WORK,
        "liege",
        "fr",
    ),
    "social_verviers": (
        "Luc",
        "Testard",
        "luc.testard@example.org",
        "verviers_city",
        "Youth social worker",
        Profession.SOCIAL_WORK,
        "verviers",
        "fr",
    ),
    "prevention_liege": (
        "Anne",
        "Specimen",
        "anne.specimen@example.org",
        "liege_prevention",
        "Head of crime prevention",
        Profession.PREVENTION,
        "liege",
        "en",
    ),
    "prevention_verviers": (
        "Paul",
        "Modèle",
        "paul.modele@example.org",
        "verviers_city",
        "Strategic security and prevention plan officer",
        Profession.PREVENTION,
        "verviers",
        "fr",
    ),
    "comms_liege": (
        "Laure",
        "Placeholder",
        "laure.placeholder@example.org",
        "liege_city",
        "Communications officer",
        Profession.COMMUNICATIONS,
        "liege",
        "fr",
    ),
    "us_expert_1": (
        "Jordan",
        "Sample",
        "jordan.sample@example.org",
        "nashville_police",
        "Community policing lieutenant",
        Profession.POLICE,
        "nashville",
        "en",
    ),
    "us_expert_2": (
        "Taylor",
        "Example",
        "taylor.example@example.org",
        "nashville_ngo",
        "Restorative justice facilitator",
        Profession.JUSTICE,
        "nashville",
        "en",
    ),
    "us_expert_3": (
        "Morgan",
        "Testcase",
        "morgan.testcase@example.org",
        "chattanooga_city",
        "Director of community engagement",
        Profession.CIVIL_SERVANT,
        "chattanooga",
        "en",
    ),
    "us_expert_4": (
        "Casey",
        "Mockup",
        "casey.mockup@example.org",
        "chattanooga_ngo",
        "Youth programme lead",
        Profession.NGO,
        "chattanooga",
        "en",
    ),
    "fr_1": (
        "Hélène",
        "Fauxnom",
        "helene.fauxnom@example.org",
        "strasbourg_city",
        "Urban security coordinator",
        Profession.PREVENTION,
        "strasbourg",
        "fr",
    ),
    "fr_2": (
        "Julien",
        "Exemplaire",
        "julien.exemplaire@example.org",
        "strasbourg_city",
        "Night-time economy mediator",
        Profession.SOCIAL_WORK,
        "strasbourg",
        "fr",
    ),
}


def _sync(model, defaults=None, **lookup):
    """Like ``update_or_create``, but writes (and records history) only when something changed."""
    defaults = defaults or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**{**lookup, **defaults}), True
    changed = [field for field, value in defaults.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, defaults[field])
        obj.save()
    return obj, False


class Command(BaseCommand):
    help = "Load the City Pair demo programme (idempotent)."

    def handle(self, *args, **options):
        password = self._demo_password()
        with transaction.atomic():
            self.today = timezone.localdate()
            self.cities = self._cities()
            self.orgs = self._organisations()
            self.themes = self._themes()
            self._memberships()
            self.people = self._participants()
            accounts = self._accounts(password)
            self._city_pair_programme(accounts)
            self._efus_programme(accounts)
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
        self.stdout.write(f"Demo logins (password: {password}):")
        for email in ("admin@example.org", "officer@example.org", "officer2@example.org", "delegate@example.org"):
            self.stdout.write(f"  {email}")

    def _demo_password(self) -> str:
        if settings.DEMO_PASSWORD:
            return settings.DEMO_PASSWORD
        if DEMO_PASSWORD_FILE.exists():
            return DEMO_PASSWORD_FILE.read_text().strip()
        password = secrets.token_urlsafe(12)
        DEMO_PASSWORD_FILE.write_text(password + "\n")
        DEMO_PASSWORD_FILE.chmod(0o600)
        return password

    def _cities(self) -> dict[str, City]:
        cities = {}
        for key, (name, region, country, zone) in CITIES.items():
            cities[key], _ = _sync(City, name=name, region=region, country=country, defaults={"timezone": zone})
        return cities

    def _organisations(self) -> dict[str, Organisation]:
        orgs = {}
        for key, (name, acronym, kind, city, parent) in ORGANISATIONS.items():
            orgs[key], _ = _sync(
                Organisation,
                name=name,
                defaults={
                    "name_fr": ORGANISATION_NAMES_FR.get(key, ""),
                    "acronym": acronym,
                    "kind": kind,
                    "city": self.cities.get(city),
                    "parent": orgs.get(parent),
                },
            )
        return orgs

    def _themes(self) -> dict[str, Theme]:
        themes = {}
        for slug, name, name_fr in THEMES:
            themes[slug], _ = _sync(Theme, slug=slug, defaults={"name": name, "name_fr": name_fr})
        return themes

    def _memberships(self) -> None:
        liege, efus, scn = self.cities["liege"], self.orgs["efus"], self.orgs["scn"]
        rows = [
            (liege, efus, NetworkMembership.Status.MEMBER, dt.date(1997, 1, 1), None, "President (Willy Demeyer)"),
            (self.cities["verviers"], efus, NetworkMembership.Status.MEMBER, dt.date(2005, 1, 1), None, ""),
            (self.cities["strasbourg"], efus, NetworkMembership.Status.MEMBER, dt.date(2001, 1, 1), None, ""),
            (self.cities["barcelona"], efus, NetworkMembership.Status.MEMBER, dt.date(1995, 1, 1), None, ""),
            # "Liège has been contributing to the SCN's activities for quite some time already."
            (liege, scn, NetworkMembership.Status.CONTRIBUTING, dt.date(2016, 1, 1), dt.date(2019, 11, 14), ""),
            # "...the city of Liège has decided to become a member of the Strong Cities Network."
            (liege, scn, NetworkMembership.Status.APPLYING, dt.date(2019, 11, 15), None, ""),
        ]
        self.scn_application = None
        for city, network, status, since, until, role in rows:
            membership, _ = _sync(
                NetworkMembership,
                city=city,
                network=network,
                since=since,
                defaults={"status": status, "until": until, "role": role},
            )
            if network == scn and status == NetworkMembership.Status.APPLYING:
                self.scn_application = membership

    def _participants(self) -> dict[str, Participant]:
        people = {}
        for key, (first, last, email, org, position, profession, city, language) in PARTICIPANTS.items():
            lookup = {"email": email} if email else {"first_name": first, "last_name": last}
            people[key], _ = _sync(
                Participant,
                **lookup,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "organisation": self.orgs[org],
                    "position": position,
                    "profession": profession,
                    "home_city": self.cities[city],
                    "preferred_language": language,
                },
            )
        _sync(
            Participant,
            pk=people["delegate"].pk,
            defaults={
                "dietary_needs": "Vegetarian",
                "emergency_contact_name": "Dominique Exemple",
                "emergency_contact_phone": "+32 4 000 00 00",
            },
        )
        return people

    def _accounts(self, password: str) -> dict:
        User = get_user_model()
        accounts = {}
        for key, email, superuser in (
            ("admin", "admin@example.org", True),
            ("officer", "officer@example.org", False),
            ("officer2", "officer2@example.org", False),
            ("delegate", "delegate@example.org", False),
        ):
            user, _ = _sync(
                User,
                username=email,
                defaults={"email": email, "is_superuser": superuser, "is_staff": superuser, "is_active": True},
            )
            user.set_password(password)
            user.save()
            accounts[key] = user
        _sync(Participant, pk=self.people["delegate"].pk, defaults={"user": accounts["delegate"]})
        return accounts

    def _at(self, city: str, when: str) -> dt.datetime:
        """An aware datetime from a wall-clock time in a city's zone."""
        return dt.datetime.fromisoformat(when).replace(tzinfo=self.cities[city].zone)

    def _delegation(self, name: str, *, home: list[str], head: str | None, members: list[tuple[str, str, str]]):
        delegation, _ = _sync(Delegation, name=name, defaults={"head": self.people[head] if head else None})
        delegation.home_cities.set([self.cities[key] for key in home])
        for person, role, status in members:
            _sync(
                DelegationMember,
                delegation=delegation,
                participant=self.people[person],
                defaults={"role": role, "status": status},
            )
        return delegation

    def _visit(self, programme, title, *, starts_on, ends_on, delegation, status, themes, stops, summary=""):
        published_at = None
        if status != StudyVisit.Status.DRAFT:
            published_at = dt.datetime.combine(starts_on - dt.timedelta(days=14), dt.time(9), tzinfo=dt.UTC)
        visit, created = StudyVisit.objects.get_or_create(
            programme=programme,
            title=title,
            defaults={
                "starts_on": starts_on,
                "ends_on": ends_on,
                "delegation": delegation,
                "status": status,
                "published_at": published_at,
                "summary": summary,
            },
        )
        visit.themes.set([self.themes[slug] for slug in themes])
        for position, (city, arrives_on, departs_on) in enumerate(stops, start=1):
            _sync(
                VisitStop,
                visit=visit,
                position=position,
                defaults={"city": self.cities[city], "arrives_on": arrives_on, "departs_on": departs_on},
            )
        return visit

    def _items(self, visit, items):
        for city, start, end, kind, title, venue, address, hosts, themes, status in items:
            item, _ = _sync(
                ItineraryItem,
                visit=visit,
                title=title,
                defaults={
                    "city": self.cities[city],
                    "starts_at": self._at(city, start),
                    "ends_at": self._at(city, end),
                    "kind": kind,
                    "venue": venue,
                    "address": address,
                    "status": status,
                },
            )
            item.host_organisations.set([self.orgs[key] for key in hosts])
            item.themes.set([self.themes[slug] for slug in themes])

    def _city_pair_programme(self, accounts) -> None:
        programme, _ = _sync(
            Programme,
            name="City Pair: Belgium – United States",
            defaults={
                "organiser": self.orgs["meridian"],
                "description": "Meridian International's City Pair programme between Liège, Verviers and American cities.",
            },
        )
        programme.supporters.set([self.orgs["embassy_oec"], self.orgs["dhs"], self.orgs["state_ct"]])
        programme.partner_networks.set([self.orgs["efus"], self.orgs["scn"]])
        programme.officers.add(accounts["officer"])

        self._american_experts_2018(programme)
        visit = self._belgian_delegation_2019(programme)
        self._follow_ups(visit)
        self._notes_and_lessons(visit, author=accounts["officer"])
        self._return_visit(programme)

    def _american_experts_2018(self, programme) -> None:
        delegation = self._delegation(
            "American experts 2018",
            home=["nashville", "chattanooga"],
            head="us_expert_1",
            members=[
                ("us_expert_1", Role.MEMBER, DelegationMember.Status.CONFIRMED),
                ("us_expert_2", Role.EXPERT, DelegationMember.Status.CONFIRMED),
                ("us_expert_3", Role.EXPERT, DelegationMember.Status.CONFIRMED),
            ],
        )
        visit = self._visit(
            programme,
            "American experts in Liège",
            starts_on=dt.date(2018, 9, 17),
            ends_on=dt.date(2018, 9, 20),
            delegation=delegation,
            status=StudyVisit.Status.COMPLETED,
            themes=["crime-prevention", "citizen-participation"],
            stops=[("liege", dt.date(2018, 9, 17), dt.date(2018, 9, 20))],
            summary="A delegation of American experts in Liège, with the support of the US Embassy in Belgium.",
        )
        self._items(
            visit,
            [
                (
                    "liege",
                    "2018-09-17 10:00",
                    "2018-09-17 12:00",
                    Item.MEETING,
                    "Welcome at Liège City Hall",
                    "Hôtel de Ville",
                    "Place du Marché 2, 4000 Liège",
                    ["liege_city", "embassy_oec"],
                    ["crime-prevention"],
                    ItineraryItem.Status.CONFIRMED,
                ),
                (
                    "liege",
                    "2018-09-18 09:30",
                    "2018-09-18 12:30",
                    Item.SITE_VISIT,
                    "Social prevention in the city centre",
                    "Liège Social Prevention Service",
                    "Liège",
                    ["liege_prevention"],
                    ["citizen-participation"],
                    ItineraryItem.Status.CONFIRMED,
                ),
            ],
        )

    def _belgian_delegation_2019(self, programme) -> StudyVisit:
        confirmed = DelegationMember.Status.CONFIRMED
        delegation = self._delegation(
            "Liège and Verviers delegation 2019",
            home=["liege", "verviers"],
            head="mayor",
            members=[
                ("mayor", Role.MEMBER, confirmed),
                ("delegate", Role.MEMBER, confirmed),
                ("police_verviers", Role.MEMBER, confirmed),
                ("social_liege", Role.MEMBER, confirmed),
                ("social_verviers", Role.MEMBER, confirmed),
                ("prevention_liege", Role.EXPERT, confirmed),
                ("prevention_verviers", Role.EXPERT, confirmed),
                ("comms_liege", Role.COORDINATOR, confirmed),
            ],
        )
        visit = self._visit(
            programme,
            "Belgian delegation in Nashville, Chattanooga and Washington DC",
            starts_on=dt.date(2019, 11, 3),
            ends_on=dt.date(2019, 11, 9),
            delegation=delegation,
            status=StudyVisit.Status.COMPLETED,
            themes=[slug for slug, _, _ in THEMES],
            stops=[
                ("nashville", dt.date(2019, 11, 3), dt.date(2019, 11, 5)),
                ("chattanooga", dt.date(2019, 11, 5), dt.date(2019, 11, 6)),
                ("washington", dt.date(2019, 11, 7), dt.date(2019, 11, 9)),
            ],
            summary=(
                "Police officers, social workers and crime prevention experts from Liège and Verviers, led by "
                "the Mayor of Liège, exchange good practice with American local authorities and practitioners."
            ),
        )
        ok = ItineraryItem.Status.CONFIRMED
        # 3 November 2019 is the day the United States leave daylight saving time (02:00 local).
        self._items(
            visit,
            [
                (
                    "nashville",
                    "2019-11-03 19:00",
                    "2019-11-03 21:00",
                    Item.MEAL,
                    "Welcome dinner with Meridian",
                    "Hotel restaurant",
                    "Downtown Nashville",
                    ["meridian"],
                    [],
                    ok,
                ),
                (
                    "nashville",
                    "2019-11-04 09:00",
                    "2019-11-04 10:30",
                    Item.MEETING,
                    "Programme briefing",
                    "Meridian briefing room",
                    "Downtown Nashville",
                    ["meridian", "embassy_oec"],
                    [],
                    ok,
                ),
                (
                    "nashville",
                    "2019-11-04 11:00",
                    "2019-11-04 12:30",
                    Item.MEETING,
                    "Integrated crime prevention policy in Nashville",
                    "Metro Courthouse",
                    "1 Public Square, Nashville, TN 37201",
                    ["nashville_city"],
                    ["crime-prevention"],
                    ok,
                ),
                (
                    "nashville",
                    "2019-11-04 14:00",
                    "2019-11-04 16:00",
                    Item.SITE_VISIT,
                    "Community policing at a precinct",
                    "MNPD precinct",
                    "Nashville, TN",
                    ["nashville_police"],
                    ["crime-prevention", "citizen-participation"],
                    ok,
                ),
                (
                    "nashville",
                    "2019-11-04 16:30",
                    "2019-11-04 18:00",
                    Item.WORKSHOP,
                    "Restorative justice in practice",
                    "Community mediation center",
                    "Nashville, TN",
                    ["nashville_ngo", "university"],
                    ["restorative-justice"],
                    ok,
                ),
                (
                    "nashville",
                    "2019-11-05 08:30",
                    "2019-11-05 10:30",
                    Item.MEETING,
                    "Inter-faith dialogue and social cohesion",
                    "Interfaith council offices",
                    "Nashville, TN",
                    ["interfaith"],
                    ["citizen-participation", "violent-extremism"],
                    ok,
                ),
                (
                    "chattanooga",
                    "2019-11-05 15:00",
                    "2019-11-05 17:00",
                    Item.MEETING,
                    "Community empowerment: youth, education and culture",
                    "City Hall",
                    "101 E 11th St, Chattanooga, TN 37402",
                    ["chattanooga_city", "chattanooga_ngo"],
                    ["citizen-participation"],
                    ok,
                ),
                (
                    "chattanooga",
                    "2019-11-06 09:00",
                    "2019-11-06 11:00",
                    Item.SITE_VISIT,
                    "New residents, housing and public space",
                    "Southside neighbourhood",
                    "Chattanooga, TN",
                    ["chattanooga_city"],
                    ["urban-development"],
                    ok,
                ),
                (
                    "chattanooga",
                    "2019-11-06 11:30",
                    "2019-11-06 13:00",
                    Item.MEETING,
                    "Policing public spaces",
                    "Police Services Center",
                    "Chattanooga, TN",
                    ["chattanooga_police"],
                    ["crime-prevention", "urban-development"],
                    ok,
                ),
                (
                    "washington",
                    "2019-11-07 09:30",
                    "2019-11-07 11:30",
                    Item.MEETING,
                    "Countering violent extremism with local actors",
                    "Department of Homeland Security",
                    "Washington, DC",
                    ["dhs", "meridian"],
                    ["violent-extremism"],
                    ok,
                ),
                (
                    "washington",
                    "2019-11-07 14:00",
                    "2019-11-07 16:00",
                    Item.MEETING,
                    "Training police across jurisdictions",
                    "Meridian International Center",
                    "1630 Crescent Pl NW, Washington, DC 20009",
                    ["meridian"],
                    ["violent-extremism", "crime-prevention"],
                    ok,
                ),
                (
                    "washington",
                    "2019-11-08 10:00",
                    "2019-11-08 12:00",
                    Item.MEETING,
                    "Foreign fighters, returnees and their families",
                    "US Department of State",
                    "2201 C St NW, Washington, DC 20520",
                    ["state_ct"],
                    ["violent-extremism"],
                    ok,
                ),
                (
                    "washington",
                    "2019-11-08 14:30",
                    "2019-11-08 16:30",
                    Item.WORKSHOP,
                    "Efus and American cities: towards a partnership",
                    "Meridian International Center",
                    "1630 Crescent Pl NW, Washington, DC 20009",
                    ["meridian", "efus"],
                    ["crime-prevention"],
                    ok,
                ),
            ],
        )
        self._legs(visit, LEGS_2019, replacing=TRAVEL_ITEMS_2019)
        return visit

    def _legs(self, visit, legs, *, replacing=()) -> None:
        """The visit's travel as legs, each end in its own city's time; items that once stood for it go."""
        visit.itinerary_items.filter(kind=Item.TRAVEL, title__in=replacing).delete()
        for kind, from_city, from_place, departs, to_city, to_place, arrives, carrier, reference in legs:
            _sync(
                TravelLeg,
                visit=visit,
                kind=kind,
                from_city=self.cities[from_city],
                to_city=self.cities[to_city],
                defaults={
                    "from_place": from_place,
                    "to_place": to_place,
                    "departs_at": self._at(from_city, departs),
                    "arrives_at": self._at(to_city, arrives),
                    "carrier": carrier,
                    "reference": reference,
                    "status": TravelLeg.Status.CONFIRMED,
                },
            )

    def _follow_ups(self, visit) -> None:
        rows = [
            (
                "Liège joins the Strong Cities Network",
                {"owner_city": self.cities["liege"]},
                dt.date(2020, 6, 30),
                FollowUp.Status.IN_PROGRESS,
                "Liège has applied for membership after years of contributing.",
                ["violent-extremism"],
                self.scn_application,
            ),
            (
                "Partnership between Efus and a network of American cities",
                {"owner_organisation": self.orgs["efus"]},
                dt.date(2020, 12, 31),
                FollowUp.Status.OPEN,
                "",
                ["crime-prevention", "citizen-participation"],
                None,
            ),
            (
                "Share Nashville's restorative justice practice with Verviers social services",
                {"owner_participant": self.people["social_verviers"]},
                dt.date(2020, 3, 31),
                FollowUp.Status.DONE,
                "Presented to the Verviers prevention team in February 2020.",
                ["restorative-justice"],
                None,
            ),
        ]
        for title, owner, due_on, status, outcome, themes, membership in rows:
            follow_up, _ = _sync(
                FollowUp,
                visit=visit,
                title=title,
                defaults={
                    "owner_participant": None,
                    "owner_organisation": None,
                    "owner_city": None,
                    **owner,
                    "due_on": due_on,
                    "status": status,
                    "outcome": outcome,
                    "resulting_membership": membership,
                },
            )
            follow_up.themes.set([self.themes[slug] for slug in themes])

    def _notes_and_lessons(self, visit, *, author) -> None:
        """What the delegation heard and learned, after the article's sections."""
        items = {item.title: item for item in visit.itinerary_items.all()}
        notes = [
            (
                "Integrated crime prevention policy in Nashville",
                "How Metro Nashville ties policing, social services and NGOs into one local prevention policy; "
                "the role of the Mayor's office in steering it.",
                "The Mayor of Liège and the prevention services of Liège and Verviers with Metro Nashville officials.",
            ),
            (
                "Restorative justice in practice",
                "Offenders meet those they harmed in a safe setting and agree how to repair the damage; "
                "referral comes from police, schools and courts.",
                "Social workers from Liège and Verviers with mediators and university researchers.",
            ),
            (
                "Community empowerment: youth, education and culture",
                "Chattanooga involves young residents through education and culture: 'community empowerment'.",
                "Belgian social workers with the City of Chattanooga's community engagement team and a youth alliance.",
            ),
            (
                "Foreign fighters, returnees and their families",
                "Whether returnees should be repatriated and tried at home; the wives and children held in camps.",
                "Belgian officials with the State Department's Bureau of Counterterrorism and CVE.",
            ),
        ]
        for title, discussed, met_with in notes:
            _sync(ItemNote, item=items[title], discussed=discussed, defaults={"met_with": met_with, "author": author})
        lessons = [
            (
                "crime-prevention",
                "Integrated policies need one steering place",
                "Nashville links police, social services and NGOs under the Mayor's office; Liège's strategic "
                "security plan could do the same with its partners.",
                "Integrated crime prevention policy in Nashville",
            ),
            (
                "restorative-justice",
                "Repair works when offenders are empowered in a safe environment",
                "Restorative practice is shared on both sides of the Atlantic and serves society as a whole.",
                "Restorative justice in practice",
            ),
            (
                "citizen-participation",
                "Reach the young through education and culture",
                "Community empowerment fosters peaceful coexistence, key to the development of any city.",
                "Community empowerment: youth, education and culture",
            ),
            (
                "urban-development",
                "New residents change housing, planning and social life at once",
                "Public space, social deprivation and community policing are the same issues in both regions, "
                "though the legal frameworks differ.",
                "New residents, housing and public space",
            ),
            (
                "violent-extremism",
                "Share objectives and information with every local actor",
                "Training police across many jurisdictions and working with varied local actors are common "
                "challenges; returnees and their families need a shared answer.",
                "Countering violent extremism with local actors",
            ),
        ]
        for slug, title, body, item_title in lessons:
            _sync(
                Lesson,
                visit=visit,
                title=title,
                defaults={"theme": self.themes[slug], "body": body, "item": items[item_title], "author": author},
            )

    def _return_visit(self, programme) -> None:
        delegation = self._delegation(
            "American practitioners return delegation",
            home=["nashville", "chattanooga"],
            head="us_expert_3",
            members=[
                ("us_expert_3", Role.MEMBER, DelegationMember.Status.CONFIRMED),
                ("us_expert_2", Role.EXPERT, DelegationMember.Status.CONFIRMED),
                ("us_expert_4", Role.MEMBER, DelegationMember.Status.INVITED),
            ],
        )
        title = "Return visit: American practitioners in Liège and Verviers"
        visit = StudyVisit.objects.filter(programme=programme, title=title).first()
        if visit is None:
            starts_on = self.today + dt.timedelta(days=30)
        else:
            starts_on = visit.starts_on
        ends_on = starts_on + dt.timedelta(days=4)
        visit = self._visit(
            programme,
            title,
            starts_on=starts_on,
            ends_on=ends_on,
            delegation=delegation,
            status=StudyVisit.Status.DRAFT,
            themes=["restorative-justice", "citizen-participation", "violent-extremism"],
            stops=[
                ("liege", starts_on, starts_on + dt.timedelta(days=2)),
                ("verviers", starts_on + dt.timedelta(days=3), ends_on),
            ],
        )
        day = [(starts_on + dt.timedelta(days=offset)).isoformat() for offset in range(5)]
        requested = ItineraryItem.Status.REQUESTED
        self._items(
            visit,
            [
                (
                    "liege",
                    f"{day[0]} 10:00",
                    f"{day[0]} 12:00",
                    Item.MEETING,
                    "Welcome by the Mayor of Liège",
                    "Hôtel de Ville",
                    "Place du Marché 2, 4000 Liège",
                    ["liege_city"],
                    [],
                    requested,
                ),
                (
                    "liege",
                    f"{day[1]} 09:30",
                    f"{day[1]} 12:00",
                    Item.SITE_VISIT,
                    "Restorative justice in Liège",
                    "Liège Social Prevention Service",
                    "Liège",
                    ["liege_prevention"],
                    ["restorative-justice"],
                    requested,
                ),
                (
                    "liege",
                    f"{day[2]} 14:00",
                    f"{day[2]} 16:00",
                    Item.WORKSHOP,
                    "Preventing violent extremism locally",
                    "Hôtel de Ville",
                    "Place du Marché 2, 4000 Liège",
                    ["liege_city", "liege_police"],
                    ["violent-extremism"],
                    requested,
                ),
                (
                    "verviers",
                    f"{day[3]} 10:00",
                    f"{day[3]} 12:00",
                    Item.MEETING,
                    "Youth participation in Verviers",
                    "Hôtel de Ville de Verviers",
                    "Place du Marché 55, 4800 Verviers",
                    ["verviers_city"],
                    ["citizen-participation"],
                    requested,
                ),
            ],
        )

    def _efus_programme(self, accounts) -> None:
        programme, _ = _sync(
            Programme,
            name="Efus peer exchange: Strasbourg – Barcelona",
            defaults={"organiser": self.orgs["efus"], "description": "A peer exchange between two Efus member cities."},
        )
        programme.partner_networks.set([self.orgs["efus"]])
        programme.officers.add(accounts["officer2"])
        delegation = self._delegation(
            "Strasbourg delegation",
            home=["strasbourg"],
            head="fr_1",
            members=[
                ("fr_1", Role.MEMBER, DelegationMember.Status.CONFIRMED),
                ("fr_2", Role.MEMBER, DelegationMember.Status.CONFIRMED),
            ],
        )
        visit = self._visit(
            programme,
            "Strasbourg delegation in Barcelona",
            starts_on=dt.date(2026, 3, 25),
            ends_on=dt.date(2026, 3, 27),
            delegation=delegation,
            status=StudyVisit.Status.COMPLETED,
            themes=["urban-development"],
            stops=[("barcelona", dt.date(2026, 3, 25), dt.date(2026, 3, 27))],
        )
        self._items(
            visit,
            [
                (
                    "barcelona",
                    "2026-03-26 10:00",
                    "2026-03-26 12:00",
                    Item.MEETING,
                    "Night-time economy and public space",
                    "Ajuntament de Barcelona",
                    "Plaça de Sant Jaume 1, Barcelona",
                    ["barcelona_city"],
                    ["urban-development"],
                    ItineraryItem.Status.CONFIRMED,
                ),
            ],
        )
