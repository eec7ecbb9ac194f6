"""Which release of the pages a process serves, so that cached HTML never outlives the templates that drew it."""

import hashlib
from pathlib import Path


def pages_fingerprint(base_dir: Path) -> str:
    """A digest of the project's templates and compiled translations: a release that changes either gets cache keys
    of its own (settings CACHES' KEY_PREFIX), and the fragments cached by the previous one are never served."""
    digest = hashlib.sha256()
    for pattern in ("templates/**/*", "locale/**/*.mo"):
        for path in sorted(base_dir.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(base_dir).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
