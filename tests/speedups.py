"""Work the suite would otherwise repeat for every test's new app: compiling the same templates
and the same URL rules again, the garbage collector walking the whole imported heap, argon2 at
production cost, and the disk's flush at every SQLite commit. The caches key on everything the result depends on, so a test sees exactly
what a fresh app would build; all of it lives only in the test process."""
import gc
import marshal
import os
import tempfile

from argon2 import PasswordHasher
from flask import Flask
from jinja2 import BytecodeCache
from werkzeug.routing import Rule


def _same_for_every_app(option):
    """An option as every app has it: Flask passes its own bound methods (autoescape), which
    differ per app only in the app they are bound to."""
    function = getattr(option, "__func__", option)
    return getattr(function, "__qualname__", option)


class SharedTemplateCache(BytecodeCache):
    """Jinja bytecode kept in memory across apps, keyed by template, source checksum and the
    environment's compile-time options (syntax, extensions), so a changed template or a
    differently configured environment compiles anew."""

    def __init__(self):
        self.code = {}

    def get_bucket(self, environment, name, filename, source):
        """The usual bucket, its key extended with what the environment compiles differently."""
        bucket = super().get_bucket(environment, name, filename, source)
        bucket.key += repr(tuple(map(_same_for_every_app, (
            type(environment), sorted(environment.extensions), environment.block_start_string,
            environment.block_end_string, environment.variable_start_string,
            environment.variable_end_string, environment.comment_start_string,
            environment.comment_end_string, environment.line_statement_prefix,
            environment.line_comment_prefix, environment.trim_blocks, environment.lstrip_blocks,
            environment.newline_sequence, environment.keep_trailing_newline,
            environment.optimized, environment.autoescape, environment.finalize,
            environment.is_async))))
        return bucket

    def load_bytecode(self, bucket):
        """Fill the bucket from memory when this template was compiled before."""
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.code = marshal.loads(code)

    def dump_bytecode(self, bucket):
        """Remember a freshly compiled template."""
        self.code[bucket.key] = marshal.dumps(bucket.code)


def share_template_bytecode():
    """Every Flask app made in this process reuses the templates other apps compiled."""
    Flask.jinja_options = dict(Flask.jinja_options, bytecode_cache=SharedTemplateCache())


def memoize_route_builders():
    """Reuse werkzeug's generated URL-building functions across apps: a builder is a pure
    function of the rule text, its parsed parts and its defaults (it reaches the rule's own
    converters through the rule it is bound to), so equal rules can share one."""
    compile_builder = Rule._compile_builder
    builders = {}

    def cached(self, append_unknown=True):
        defaults = self.defaults or {}
        if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
            return compile_builder(self, append_unknown)  # converted at compile time: not shared
        key = (self.rule, tuple(self._trace), repr(sorted(defaults.items())), append_unknown)
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = compile_builder(self, append_unknown)
        return builder

    Rule._compile_builder = cached


def freeze_long_lived_heap():
    """Move what imports and collection built (hundreds of thousands of objects that live as long
    as the process) out of the garbage collector's sight, so the full collections a test's new
    app triggers scan only what tests made."""
    gc.collect()
    gc.freeze()


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def cheap_password_hashing():
    """Tests hash and check passwords with argon2id at its smallest cost instead of the
    production 19 MiB (the same code paths, a millisecond instead of tens); returns the
    production (hasher, dummy hash) for the tests that check the real parameters."""
    from forum.services import builtin_accounts

    production = builtin_accounts.HASHER, builtin_accounts._DUMMY_HASH
    builtin_accounts.HASHER = CHEAP_HASHER
    builtin_accounts._DUMMY_HASH = CHEAP_HASHER.hash("timing equaliser for unknown names")
    return production


def temporary_files_in_memory():
    """Test files (each test's SQLite copy, instance folders) on /dev/shm when the machine has
    one and TMPDIR does not say otherwise: a commit's flush to disk costs ~10 ms here, 44 s of
    the permission matrix's 210 s on SQLite; in memory it costs nothing. Locking is the same."""
    if os.environ.get("TMPDIR") or not os.access("/dev/shm", os.W_OK):
        return
    os.environ["TMPDIR"] = "/dev/shm"  # xdist workers and the servers tests start inherit it
    tempfile.tempdir = None  # forget a directory tempfile chose before
