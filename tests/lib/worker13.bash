# tests/lib/worker13.bash: the claude-mem 13 routes' side of a worker test,
# loaded after ../lib/worker. worker13_setup gives DB and a session CID in
# a project whose hook bodies init13 and tool_use post; EXTRA13 (JSON
# members, e.g. ,"platformSource":"claude") ends both bodies.

# worker13_setup CID PROJECT DEFAULT_PROMPT [EXTRA13]
worker13_setup() {
	worker_setup
	DB="$CLAUDE_MEM_DATA_DIR/claude-mem.db"
	CID=$1
	P13=$2
	PROMPT13=$3
	EXTRA13=${4:-}
}

post() { api POST "$1" "$2"; }

# init13 [PROMPT [CID]]: 13's session-init hook.
init13() {
	post /api/sessions/init "{\"contentSessionId\":\"${2:-$CID}\",\"project\":\"$P13\",\"prompt\":\"${1:-$PROMPT13}\"$EXTRA13}"
}

# tool_use TOOL INPUT RESPONSE TOOL_USE_ID [CID]: 13's observation hook,
# cwd /src/PROJECT.
tool_use() {
	post /api/sessions/observations "{\"contentSessionId\":\"${5:-$CID}\",\"tool_name\":\"$1\",\"tool_input\":$2,\"tool_response\":$3,\"cwd\":\"/src/$P13\",\"tool_use_id\":\"$4\"$EXTRA13}"
}
