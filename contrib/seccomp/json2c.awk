# SPDX-License-Identifier: GPL-2.0-or-later
# Turn a JSON document into a C string constant, for embedding in the
# binary at build time.
#
# usage: awk -v name=IDENT -v indent=N -v src=PATH -f json2c.awk FILE.json
#
# Every line after the first is indented by N spaces, so that the text
# nests inside a larger document; the last newline is left out. Double
# quotes are escaped; a backslash is refused (the profiles have none).
BEGIN {
	pad = ""
	for (i = 0; i < indent + 0; i++)
		pad = pad " "
	printf "/* Generated from %s by json2c.awk; do not edit. */\n", src
	printf "static const char %s[] =\n", name
}

index($0, "\\") > 0 {
	printf "json2c.awk: %s:%d: backslashes are not supported\n", FILENAME, FNR > "/dev/stderr"
	failed = 1
	exit 1
}

{
	n = split($0, parts, "\"")
	line = parts[1]
	for (i = 2; i <= n; i++)
		line = line "\\\"" parts[i]
	if (NR > 1)
		printf "    \"%s\\n\"\n", prev
	prev = (NR > 1 ? pad : "") line
}

END {
	if (failed)
		exit 1
	printf "    \"%s\";\n", prev
}
