"""What /proc says of a test's processes: the ones below a pid, and how much memory one holds."""

import re
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (the app's WebKit web and network processes, say)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def memory(pid: int) -> tuple[int, int]:
    """Resident and proportional set size in bytes (PSS splits shared pages fairly)."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    rss = int(re.search(r"^Rss:\s+(\d+) kB", rollup, re.M).group(1)) * 1024
    pss = int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1)) * 1024
    return rss, pss


def anonymous(pid: int) -> int:
    """Resident anonymous memory in bytes (the heap, stacks): what a process holds of its own,
    beside the pages of its binary and libraries, which the kernel may drop and read again."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^RssAnon:\s+(\d+) kB", status, re.M).group(1)) * 1024


# What a desktop app's resident memory is made of, by the file a mapping comes from (first
# pattern that matches wins; anonymous mappings and the heap are the process's own).
PARTS = (
    ("GL (Mesa, LLVM)", re.compile(r"/(libLLVM|libgallium|[a-z0-9_]+_dri\.so|libEGL|libGL|libgbm|libdrm|libz3)")),
    ("WebKitGTK, JavaScriptCore", re.compile(r"/lib(webkit2gtk|javascriptcoregtk)")),
    ("GTK, GLib, other libraries", re.compile(r"\.so")),
)


def memory_parts(pid: int, own: str) -> dict[str, int]:
    """Resident bytes of `pid` by part: its own binary (`own`), each of PARTS, its anonymous
    memory (heap, stacks, WebKit's shared buffers) and the rest."""
    parts: dict[str, int] = {}
    name = ""
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split(maxsplit=5)
        if re.match(r"^[0-9a-f]+-[0-9a-f]+$", head[0]):
            name = head[5] if len(head) > 5 else ""
        elif head[0] == "Rss:":
            if name == own:
                part = "the app's binary"
            elif name in ("", "[heap]", "[stack]") or name.startswith(("/memfd:", "/SYSV", "[anon")):
                part = "anonymous (heap, stacks, shared buffers)"
            else:
                part = next((label for label, pattern in PARTS if pattern.search(name)), "other files")
            parts[part] = parts.get(part, 0) + int(head[1]) * 1024
    return parts
