"""The texts of other applications that IKO's admin shows and that bring no Dutch of their own.

Django looks a text up in the catalogues of `LOCALE_PATHS` (IKO's, iko_project/locale) before
those of the installed applications, so a text of django-axes, django-otp or simple-certmanager
with a Dutch msgstr in IKO's catalogue is shown in Dutch on their screens. Listing its msgid here
(`gettext_noop`: nothing happens at run time) is what puts it in the catalogue: `make messages`
(iko_project/messages.py) extracts it like any of IKO's own texts, keeps it on every update
instead of removing it as a text no longer in the code, and its check fails while it has no
Dutch translation.

Each msgid is spelled exactly as the application writes it (its models, forms, templates). Which
texts are needed is what tests/test_admin_dutch.py finds English on the Dutch admin; when an
update of an application changes a text, that test finds it again. Not listed: applications that
ship a compiled Dutch catalogue (Django, zgw-consumers, maykin-2fa, django-two-factor-auth).
"""

from django.utils.translation import gettext_noop

# Django 5.2's own: the hidden column titles of the admin index (for screen readers), new texts its
# Dutch catalogue does not translate yet.
DJANGO = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)

# simple-certmanager ships its Dutch as a .po without the compiled .mo, so Django never reads it;
# its signing requests' field names are plain texts (profiles/admin/third_party.py looks them up).
SIMPLE_CERTMANAGER = (
    gettext_noop("certificate"),
    gettext_noop("certificates"),
    gettext_noop("Recognisable label for the certificate"),
    gettext_noop("serial number"),
    gettext_noop("valid from"),
    gettext_noop("expiry date"),
    gettext_noop("valid key pair"),
    gettext_noop("Key-pair"),
    gettext_noop("Certificate only"),
    gettext_noop("Is this only a certificate or is there an associated private key?"),
    gettext_noop("public certificate"),
    gettext_noop("The content of the certificate"),
    gettext_noop("private key"),
    gettext_noop("The content of the private key"),
    gettext_noop("Passphrase"),
    gettext_noop("Passphrase to decrypt the private key if it's encrypted."),
    gettext_noop("(missing label)"),
    gettext_noop("signing request"),
    gettext_noop("signing requests"),
    gettext_noop("Subject information"),
    gettext_noop("The CSR will be generated after entering the information and submitting the data."),
    gettext_noop("Signing Request (CSR)"),
    gettext_noop("Upload Signed Certificate"),
    gettext_noop("Upload the public certificate file here. This will be used to verify the signature against "
                 "the CSR and create the certificate instance."),
    gettext_noop("Save the signing request to be able to download it."),
    gettext_noop("common name"),
    gettext_noop("The common name for the certificate"),
    gettext_noop("country name"),
    gettext_noop("Two-letter country code"),
    gettext_noop("organization name"),
    gettext_noop("The name of the organization"),
    gettext_noop("state or province name"),
    gettext_noop("The state or province name"),
    gettext_noop("locality name"),
    gettext_noop("The locality name"),
    gettext_noop("email address"),
    gettext_noop("Email address for the certificate"),
)

# zgw-consumers' Dutch leaves these in English, or they are plain texts (client id, secret).
ZGW_CONSUMERS = (
    gettext_noop("services"),
    gettext_noop("service slug"),
    gettext_noop("client id"),
    gettext_noop("secret"),
    gettext_noop("OAuth2 scope"),
    gettext_noop("User ID to use for the audit trail. Although these external API credentials are typically used by"
                 "this API itself instead of a user, the user ID is required."),
    gettext_noop("client certificate"),
    gettext_noop("server certificate"),
)

# django-axes has no Dutch: its logs of (failed) logins.
AXES = (
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Attempt Remaining"),
)

# django-otp writes plain texts (profiles/admin/third_party.py has them looked up here).
DJANGO_OTP = (
    gettext_noop("TOTP device"),
    gettext_noop("TOTP devices"),
    gettext_noop("static device"),
    gettext_noop("static devices"),
    gettext_noop("static token"),
    gettext_noop("static tokens"),
    gettext_noop("device"),
    gettext_noop("The user that this device belongs to."),
    gettext_noop("The human-readable name of this device."),
    gettext_noop("confirmed"),
    gettext_noop("Is this device ready for use?"),
    gettext_noop("throttling failure timestamp"),
    gettext_noop("A timestamp of the last failed verification attempt. Null if last attempt succeeded."),
    gettext_noop("throttling failure count"),
    gettext_noop("Number of successive failed attempts."),
    gettext_noop("last used at"),
    gettext_noop("The date and time when this device was initially created in the system."),
    gettext_noop("The most recent date and time this device was used."),
    gettext_noop("key"),
    gettext_noop("A hex-encoded secret key of up to 40 bytes."),
    gettext_noop("step"),
    gettext_noop("The time step in seconds."),
    gettext_noop("t0"),
    gettext_noop("The Unix time at which to begin counting steps."),
    gettext_noop("digits"),
    gettext_noop("The number of digits to expect in a token."),
    gettext_noop("tolerance"),
    gettext_noop("The number of time steps in the past or future to allow."),
    gettext_noop("drift"),
    gettext_noop("The number of time steps the prover is known to deviate from our clock."),
    gettext_noop("last t"),
    gettext_noop("The t value of the latest verified token. The next token must be at a higher time step."),
    gettext_noop("Identity"),
    gettext_noop("Timestamps"),
    gettext_noop("Configuration"),
    gettext_noop("State"),
    gettext_noop("Throttling"),
    gettext_noop("Search by user's username or email address"),
)
