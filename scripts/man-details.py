#!/usr/bin/env python3
"""Completes the man pages generate-manual writes from failscan's argument parser.

  man-details.py FAILSCAN DIR

- Each option's values and default, as --help shows them ("(values: ...; default: ...)"),
  read from `failscan [SUBCOMMAND] --experimental-dump-help`; generate-manual leaves them out.
- failscan(1): one EXIT STATUS section, failscan's own table (from the help's text), not
  mdoc's generic sentence; each subcommand's page the same table.
- No failscan.help(1) (an empty page of the parser's help command), nor a link to it.
- An EXAMPLES section: the command lines the help shows (literal blocks of `failscan ...`
  lines), gathered from the description.
"""
import json
import os
import re
import subprocess
import sys


def dump(binary, command):
    out = subprocess.run([binary] + command + ["--experimental-dump-help"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["command"]


def details(command):
    """Per option flag as mdoc writes it (`Fl -format`, `Fl c , -config`): the sentence to add."""
    found = {}
    for argument in command.get("arguments", []):
        values, default = argument.get("allValues"), argument.get("defaultValue")
        if argument.get("kind") == "flag" or (not values and default in (None, "")):
            continue
        parts = []
        if values:
            parts.append("values: " + ", ".join(values))
        if default not in (None, ""):
            parts.append("default: " + default)
        for name in argument.get("names", []):
            if name["kind"] in ("long", "longWithSingleDash"):
                found["-" + name["name"]] = "(" + "; ".join(parts) + ")"
    return found


def exit_table(binary):
    """failscan's EXIT STATUS table, as its --help prints it."""
    text = subprocess.run([binary, "--help"], check=True, capture_output=True, text=True,
                          env=dict(os.environ, COLUMNS="200")).stdout
    rows = []
    inside = False
    for line in text.splitlines():
        if line.strip() == "EXIT STATUS":
            inside = True
            continue
        if inside:
            match = re.match(r"^\s+(\d+)\s+(.*)$", line)
            if not match:
                break
            rows.append((match.group(1), match.group(2)))
    if not rows:
        sys.exit("man-details.py: no EXIT STATUS table in failscan --help")
    return rows


def exit_section(rows):
    lines = ['.Sh "EXIT STATUS"', ".Bl -tag -width 4n"]
    for code, meaning in rows:
        lines += [".It " + code, meaning]
    return lines + [".El"]


def fix(page, options, rows, top):
    with open(page) as f:
        lines = f.read().split("\n")
    out = []
    pending = None
    index = 0
    while index < len(lines):
        line = lines[index]
        # An option's description ends before .Pp, .It or .El: its details go there.
        if pending and (line in (".Pp", ".El") or line.startswith(".It ")):
            out[-1] = out[-1] + " " + pending
            pending = None
        if line.startswith(".It Fl "):
            flag = line.split()[2]
            if flag == "-" and len(line.split()) > 3:
                flag = line.split()[3]
            words = line[len(".It Fl "):].replace(" , ", " ").split()
            for word in words:
                if word in options:
                    pending = options[word]
                    break
        if line == '.Sh "EXIT STATUS"':
            # mdoc's generic sentence (and, in failscan(1), a second table that disagreed).
            index += 1
            while index < len(lines) and not lines[index].startswith(".Sh "):
                index += 1
            out += exit_section(rows)
            continue
        if line.startswith(".Xr failscan.help 1"):
            index += 1
            continue
        out.append(line)
        index += 1
    # EXAMPLES: every literal block of command lines in the description, before EXIT STATUS.
    examples = []
    block = None
    for line in out:
        if line.startswith(".Bd -literal"):
            block = []
        elif line == ".Ed" and block is not None:
            if block and all("failscan " in l or not l.strip() for l in block):
                examples.append(block)
            block = None
        elif block is not None:
            block.append(line)
    if examples:
        at = out.index('.Sh "EXIT STATUS"') if '.Sh "EXIT STATUS"' in out else len(out)
        section = [".Sh EXAMPLES"]
        for lines in examples:
            section += [".Bd -literal -offset indent"] + lines + [".Ed"]
        out[at:at] = section
    text = "\n".join(out)
    if top:
        # The help's own EXIT STATUS table, in DESCRIPTION, is the section now.
        text = re.sub(r"\nEXIT STATUS\n(?:\.Bd -literal -offset indent\n(?:  .*\n)+\.Ed\n)?", "\n", text)
    with open(page, "w") as f:
        f.write(text)


def main():
    binary, directory = sys.argv[1], sys.argv[2]
    rows = exit_table(binary)
    top = dump(binary, [])
    help_page = os.path.join(directory, "failscan.help.1")
    if os.path.exists(help_page):
        os.unlink(help_page)
    fix(os.path.join(directory, "failscan.1"), details(top), rows, True)
    for sub in top.get("subcommands", []):
        name = sub["commandName"]
        page = os.path.join(directory, "failscan.%s.1" % name)
        if os.path.exists(page):
            fix(page, details(dump(binary, [name])), rows, False)


if __name__ == "__main__":
    main()
