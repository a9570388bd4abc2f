"""Marker-delimited regions of source text (``### BEGIN SOLUTION`` … ``### END SOLUTION`` and
alike): the one mechanism behind the exercise stubs and the student copy's instructor-only parts."""


def rewrite_regions(source, begin, end, replace, name="module", error=ValueError):
    """``source`` with each region (its marker lines included) replaced by
    ``replace(line_number_of_begin, indentation_of_begin)``; unbalanced markers raise ``error``."""
    out, inside = [], None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        stripped = line.strip()
        if stripped == begin:
            if inside is not None:
                raise error(f"{name}:{number}: nested {begin}")
            inside = number
            out.append(replace(number, line[: len(line) - len(line.lstrip())]))
        elif stripped == end:
            if inside is None:
                raise error(f"{name}:{number}: {end} without {begin}")
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise error(f"{name}:{inside}: {begin} is never closed")
    return "".join(out)


def region_texts(source, begin, end):
    """The text inside each region (marker lines excluded), in order."""
    regions, current = [], None
    for line in source.splitlines():
        if line.strip() == begin:
            current = []
        elif line.strip() == end:
            regions.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return regions
