"""The SMS providers' adapters, each through the provider's own client: OVHcloud (the département's default: a French
provider hosting its data in France) and Twilio. Nothing imports them but core/sms.py, by the name SMS_BACKEND gives.

An adapter sends (`send(message) -> provider's id`), turns its client's errors into core.sms's four kinds, names the
settings it cannot work without (`missing_settings()`, a system check), and reads its provider's delivery reports
(`read_report(request)`), refusing any it cannot prove came from the provider.
"""
