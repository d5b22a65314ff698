"""@module Reads the job manifest: JSON, or the block-style YAML subset job.yaml files use (no PyYAML needed)."""
import json
import re
from typing import Any, List, Tuple


def parse_manifest(text: str) -> dict:
    """Parse a manifest given as JSON or as block-style YAML; returns {} for an empty document."""
    stripped = text.strip()
    if not stripped:
        return {}
    if stripped.startswith('{'):
        return json.loads(stripped)
    lines = _meaningful_lines(text)
    if not lines:
        return {}
    value, _ = _parse_block(lines, 0, lines[0][0])
    if not isinstance(value, dict):
        raise ValueError('manifest must be a mapping at the top level')
    return value


def _meaningful_lines(text: str) -> List[Tuple[int, str]]:
    result = []
    for raw in text.splitlines():
        line = _strip_comment(raw.rstrip())
        if not line.strip() or line.strip() in ('---', '...'):
            continue
        result.append((len(line) - len(line.lstrip(' ')), line.strip()))
    return result


def _strip_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in ('"', "'"):
            quote = char
        elif char == '#' and (index == 0 or line[index - 1] in ' \t'):
            return line[:index]
    return line


def _parse_block(lines, start: int, indent: int) -> Tuple[Any, int]:
    if lines[start][1].startswith('- ') or lines[start][1] == '-':
        return _parse_list(lines, start, indent)
    return _parse_mapping(lines, start, indent)


def _parse_mapping(lines, start: int, indent: int) -> Tuple[dict, int]:
    result = {}
    index = start
    while index < len(lines) and lines[index][0] == indent:
        content = lines[index][1]
        key, sep, rest = _split_key(content)
        if not sep:
            raise ValueError(f'expected "key: value" in manifest line: {content}')
        index += 1
        if rest:
            result[key] = _parse_scalar(rest)
        elif index < len(lines) and (lines[index][0] > indent or (lines[index][0] == indent and lines[index][1].startswith('-'))):
            result[key], index = _parse_block(lines, index, lines[index][0])
        else:
            result[key] = None
    return result, index


def _parse_list(lines, start: int, indent: int) -> Tuple[list, int]:
    result = []
    index = start
    while index < len(lines) and lines[index][0] == indent and lines[index][1].startswith('-'):
        item = lines[index][1][1:].strip()
        index += 1
        if not item:
            value, index = _parse_block(lines, index, lines[index][0])
            result.append(value)
        elif _split_key(item)[1]:
            # "- key: value" starts a mapping whose further keys are indented past the dash
            inner_indent = indent + 2
            sub_lines = [(inner_indent, item)]
            while index < len(lines) and lines[index][0] > indent:
                sub_lines.append(lines[index])
                index += 1
            value, _ = _parse_mapping(sub_lines, 0, inner_indent)
            result.append(value)
        else:
            result.append(_parse_scalar(item))
    return result, index


_KEY = re.compile(r'''^("[^"]*"|'[^']*'|[^:'"][^:]*?)\s*:(\s+|$)(.*)$''')


def _split_key(content: str):
    match = _KEY.match(content)
    if not match:
        return content, '', ''
    return _unquote(match.group(1)), ':', match.group(3).strip()


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in ('"', "'"):
        return text[1:-1]
    return text


def _parse_scalar(text: str) -> Any:
    if text.startswith('[') or text.startswith('{'):
        try:
            return json.loads(text)
        except ValueError:
            if text.startswith('['):
                return [_parse_scalar(part.strip()) for part in text[1:-1].split(',') if part.strip()]
            raise
    if text[0] in ('"', "'"):
        return _unquote(text)
    lowered = text.lower()
    if lowered in ('true', 'yes', 'on'):
        return True
    if lowered in ('false', 'no', 'off'):
        return False
    if lowered in ('null', '~'):
        return None
    if re.fullmatch(r'[-+]?\d+', text):
        return int(text)
    if re.fullmatch(r'[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?', text):
        return float(text)
    return text
