"""The moderation log in sentences a moderator reads in their language ("Mo locked Ana's
question ..."): one whole sentence per action, so each language orders its own words."""
from markupsafe import Markup, escape

from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy
from forum.web.routes import Routes

routes = Routes()

# One sentence per logged action: %(moderator)s did it, %(target)s is what it was done to.
SENTENCES = {
    "thread.pin": _lazy("%(moderator)s pinned %(target)s"),
    "thread.unpin": _lazy("%(moderator)s unpinned %(target)s"),
    "thread.lock": _lazy("%(moderator)s locked %(target)s"),
    "thread.unlock": _lazy("%(moderator)s unlocked %(target)s"),
    "thread.hide": _lazy("%(moderator)s hid %(target)s"),
    "thread.restore": _lazy("%(moderator)s restored %(target)s"),
    "thread.tags": _lazy("%(moderator)s changed the tags of %(target)s"),
    "reply.edit": _lazy("%(moderator)s edited %(target)s"),
    "reply.delete": _lazy("%(moderator)s deleted %(target)s"),
    "reply.restore": _lazy("%(moderator)s restored %(target)s"),
    "reply.hide": _lazy("%(moderator)s hid %(target)s"),
    "reply.unhide": _lazy("%(moderator)s unhid %(target)s"),
    "reply.tags": _lazy("%(moderator)s changed the tags of %(target)s"),
    "flag.dismiss": _lazy("%(moderator)s resolved (dismiss) %(target)s"),
    "flag.hide": _lazy("%(moderator)s resolved (hide) %(target)s"),
    "flag.lock": _lazy("%(moderator)s resolved (lock) %(target)s"),
    "related.add": _lazy("%(moderator)s added %(target)s"),
    "related.edit": _lazy("%(moderator)s edited %(target)s"),
    "related.move": _lazy("%(moderator)s moved %(target)s"),
    "related.delete": _lazy("%(moderator)s removed %(target)s"),
    "tag.merge": _lazy("%(moderator)s merged %(target)s"),
    "member.ban": _lazy("%(moderator)s banned %(target)s"),
    "member.unban": _lazy("%(moderator)s unbanned %(target)s"),
    "account.ban": _lazy("%(moderator)s banned %(target)s"),
    "account.unban": _lazy("%(moderator)s unbanned %(target)s"),
    "ban_account": _lazy("%(moderator)s banned %(target)s"),
    "unban_account": _lazy("%(moderator)s unbanned %(target)s"),
    "account.role": _lazy("%(moderator)s changed the role of %(target)s"),
    "confidential.flag": _lazy("%(moderator)s sent %(target)s to the flag queue"),
    "import_thread": _lazy("%(moderator)s imported %(target)s"),
    "replace_thread": _lazy("%(moderator)s replaced %(target)s by an import"),
    "set_language": _lazy("%(moderator)s changed the language of %(target)s"),
    "credential.verify": _lazy("%(moderator)s verified %(target)s"),
    "credential.unverify": _lazy("%(moderator)s took back the verification of %(target)s"),
}
OTHER = _lazy("%(moderator)s: %(action)s, %(target)s")
TARGETS = {
    "thread": _lazy("thread #%(id)s"), "reply": _lazy("contribution #%(id)s"),
    "flag": _lazy("flag #%(id)s"), "related_link": _lazy("reading entry #%(id)s"),
    "tag": _lazy("tag #%(id)s"), "member": _lazy("member #%(id)s"),
    "account": _lazy("account #%(id)s"), "credential": _lazy("credential #%(id)s"),
}


@routes.template_global("forum_action_name")
def action_name(action):
    """An action for the log's filter menu: its sentence without moderator and target."""
    sentence = SENTENCES.get(action)
    if sentence is None:
        return action
    return " ".join(str(sentence).replace("%(moderator)s", "").replace("%(target)s", "…").split())


@routes.template_global("forum_log_target")
def log_target(entry):
    """What an action was done to, when nothing more is known of it ("flag #3")."""
    label = TARGETS.get(entry.target_type)
    return str(label) % {"id": entry.target_id} if label else \
        f"{entry.target_type.replace('_', ' ')} #{entry.target_id}"


@routes.template_global("forum_log_sentence")
def log_sentence(entry, target=None):
    """Who did what to which item, as one sentence (target: the item, as safe markup)."""
    moderator = Markup("<strong>{}</strong>").format(
        entry.actor.display_name if entry.actor else _("A former member"))
    values = {"moderator": moderator, "target": target if target is not None
              else log_target(entry), "action": entry.action}
    return Markup(escape(str(SENTENCES.get(entry.action, OTHER)))) % values
