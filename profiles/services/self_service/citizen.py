"""The citizen (or company) a self-service request is for, as plain data.

`api/citizen_auth.py` makes one from a verified token of the citizens' issuer; the services here
never see the token. A `Citizen` names its own subjects (a BSN from DigiD, a KVK number from
eHerkenning, or both), the portal that passed the token on (self-service grants name it) and the
level of assurance of the login.
"""

from __future__ import annotations

from dataclasses import dataclass

from profiles.access.principals import Principal
from profiles.subjects import Subject

# x-gebruiker towards the BRP and the processing log's end user when citizens look at their own
# data (the gateway convention).
SELF_SERVICE_USER = "BurgerZelf"


@dataclass(frozen=True)
class Citizen:
    subjects: tuple[Subject, ...]
    portal: str
    level_of_assurance: str = ""
    # The organisation whose portal passed the token on (IKO_CITIZEN_ORGANISATION_CLAIM); None:
    # the default organisation.
    organisation_id: int | None = None

    def own(self, subject_type: str) -> Subject | None:
        return next((s for s in self.subjects if s.type == subject_type), None)

    def owns(self, subject: Subject) -> bool:
        return subject in self.subjects

    @property
    def actor(self) -> str:
        """The actor in the processing log: the portal, never the citizen's name or number."""
        return f"self-service:{self.portal or 'unknown-portal'}"

    def grant_principal(self, subject: Subject) -> Principal:
        """The principal self-service grants are resolved for, seeing `subject` as its own.

        Only for the citizen's own subject, or a child after its gezag was checked.
        """
        return Principal(kind="self_service", client_id=self.portal, citizen_ids=((subject.type, subject.value),),
                         organisation_id=self.organisation_id)
