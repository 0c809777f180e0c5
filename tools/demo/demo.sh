#!/bin/sh
# tools/demo/demo.sh — run by `make demo` once everything is installed and built.
#
# Starts ngircd on 127.0.0.1 (a free port, a config written into a temporary
# folder) and two scripted IRC peers (tools/demo/peer.c), then shows the
# plugin in a real client:
#   pidgin     when $DISPLAY is set and Pidgin is installed
#   finch      else when this runs in a terminal
#   headless   else (CI): tools/demo/client.c plays the user and prints the
#              conversation with the plugin's hints and its question
# DEMO_UI=pidgin|finch|headless chooses. The clients use their own config
# folder in the temporary folder, never ~/.purple. Everything started here
# is stopped by its PID on exit, and the temporary folder is removed.
set -u

BUILD=${BUILD:-build}
NICK=alex
cd "$(dirname "$0")/../.." || exit 2
PEER=$BUILD/tools/demo/etiquette-peer
CLIENT=$BUILD/tools/demo/etiquette-client

ui=${DEMO_UI:-}
if [ -z "$ui" ]; then
	if [ -n "${DISPLAY:-}" ] && command -v pidgin >/dev/null 2>&1; then
		ui=pidgin
	elif [ -t 0 ] && [ -t 1 ] && command -v finch >/dev/null 2>&1; then
		ui=finch
	else
		ui=headless
	fi
fi
# DEMO_WHICH=1: only say which client would be used (for the tests).
if [ -n "${DEMO_WHICH:-}" ]; then
	echo "$ui"
	exit 0
fi
case $ui in
pidgin | finch)
	command -v "$ui" >/dev/null 2>&1 || { echo "$ui is not installed (apt-get install $ui)" >&2; exit 1; }
	unanswered=15
	;;
headless) unanswered=5 ;;
*) echo "DEMO_UI must be pidgin, finch or headless" >&2; exit 2 ;;
esac
ngircd=$(command -v ngircd || echo /usr/sbin/ngircd)
[ -x "$ngircd" ] || { echo "ngircd is not installed (apt-get install ngircd)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/etq-demo-XXXXXX") || exit 2
pids=""
cleanup() {
	for pid in $pids; do kill "$pid" 2>/dev/null; done
	for pid in $pids; do wait "$pid" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- the server ----
port=$("$PEER" --free-port) || exit 1
cat >"$tmp/ngircd.conf" <<EOF
[Global]
	Name = irc.etiquette.demo
	Info = purple-etiquette demo server
	Listen = 127.0.0.1
	Ports = $port
	MotdPhrase = "purple-etiquette demo: everything stays on this machine"
	PidFile = $tmp/ngircd.pid
[Limits]
	MaxConnectionsIP = 0
	PingTimeout = 300
	PongTimeout = 300
[Options]
	PAM = no
	Ident = no
	DNS = no
	RequireAuthPing = no
EOF
"$ngircd" -n -f "$tmp/ngircd.conf" >"$tmp/ngircd.log" 2>&1 &
pids="$pids $!"
if ! "$PEER" --wait-port "$port" 10; then
	echo "ngircd did not start:" >&2
	cat "$tmp/ngircd.log" >&2
	exit 1
fi

# ---- a config folder for Pidgin or Finch: an IRC account on that server,
# ---- the plugin loaded, maria in the buddy list ----
# int_prefs INDENT NAME=VALUE ...: one integer pref a line, for prefs.xml.
int_prefs() {
	ind=$1
	shift
	for kv in "$@"; do
		printf "%s<pref name='%s' type='int' value='%s'/>\n" "$ind" "${kv%%=*}" "${kv#*=}"
	done
}

# finch_window NAME X Y WIDTH HEIGHT: where Finch puts a window.
finch_window() {
	echo "  <pref name='$1'>"
	echo "   <pref name='position'>"
	int_prefs '    ' "x=$2" "y=$3"
	echo "   </pref>"
	echo "   <pref name='size'>"
	int_prefs '    ' "width=$4" "height=$5"
	echo "   </pref>"
	echo "  </pref>"
}

write_config() {
	dir=$tmp/purple
	# Finch's windows fill the terminal: the buddy list left, conversations right.
	size=$(stty size 2>/dev/null </dev/tty) || size="24 80"
	rows=${size% *}
	cols=${size#* }
	[ "$rows" -ge 20 ] 2>/dev/null || rows=24
	[ "$cols" -ge 70 ] 2>/dev/null || cols=80
	mkdir -p "$dir/plugins"
	cp "$BUILD/demo/purple-etiquette.so" "$dir/plugins/purple-etiquette.so"
	[ "$ui" = pidgin ] && cp "$BUILD/demo/pidgin-etiquette.so" "$dir/plugins/pidgin-etiquette.so"
	cat >"$dir/accounts.xml" <<EOF
<?xml version='1.0' encoding='UTF-8' ?>
<account version='1.0'>
 <account>
  <protocol>prpl-irc</protocol>
  <name>$NICK@127.0.0.1</name>
  <settings>
   <setting name='port' type='int'>$port</setting>
   <setting name='encoding' type='string'>UTF-8</setting>
   <setting name='realname' type='string'>Alex (purple-etiquette demo)</setting>
  </settings>
  <settings ui='gtk-gaim'>
   <setting name='auto-login' type='bool'>1</setting>
  </settings>
  <settings ui='gnt-purple'>
   <setting name='auto-login' type='bool'>1</setting>
  </settings>
 </account>
</account>
EOF
	cat >"$dir/blist.xml" <<EOF
<?xml version='1.0' encoding='UTF-8' ?>
<purple version='1.0'>
 <blist>
  <group name='Demo'>
   <contact>
    <buddy account='$NICK@127.0.0.1' proto='prpl-irc'><name>maria</name></buddy>
   </contact>
  </group>
 </blist>
</purple>
EOF
	{
		cat <<EOF
<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'>
 <pref name='purple'>
  <pref name='logging'>
   <pref name='log_ims' type='bool' value='0'/>
   <pref name='log_chats' type='bool' value='0'/>
   <pref name='log_system' type='bool' value='0'/>
  </pref>
 </pref>
 <pref name='plugins'>
  <pref name='core'>
   <pref name='etiquette'>
    <pref name='unanswered_seconds' type='int' value='$unanswered'/>
   </pref>
  </pref>
 </pref>
EOF
		for client in pidgin finch; do
			cat <<EOF
 <pref name='$client'>
  <pref name='plugins'>
   <pref name='loaded' type='pathlist'>
    <item value='$dir/plugins/purple-etiquette.so'/>
EOF
			# Pidgin's companion: the text back in the input box, the line while typing
			[ "$client" = pidgin ] && echo "    <item value='$dir/plugins/pidgin-etiquette.so'/>"
			cat <<EOF
   </pref>
  </pref>
EOF
			if [ "$client" = pidgin ]; then
				echo "  <pref name='blist'>"
				int_prefs '   ' x=20 y=40 width=240 height=520
				echo "  </pref>"
				echo "  <pref name='conversations'>"
				echo "   <pref name='im'>"
				int_prefs '    ' x=280 y=40 width=660 height=520
				echo "   </pref>"
				echo "  </pref>"
			else
				finch_window blist 0 0 20 $((rows - 2))
				finch_window conversations 22 0 $((cols - 23)) $((rows - 2))
			fi
			echo " </pref>"
		done
		echo "</pref>"
	} >"$dir/prefs.xml"
}

explain() {
	cat <<EOF

purple-etiquette demo: you are "$NICK" on a local IRC server (127.0.0.1:$port).
Two scripted people write to you once you are online:
  maria  says she shared your post: the plugin suggests thanking her.
  maria  asks you a question: leave it $unanswered s unanswered and the plugin nudges you.
  sam    a stranger, says hello. Reply to him with:
             Could you review my CV?
         The plugin holds it and asks: Send anyway, or Edit. In Pidgin, a line
         under the input box says so while you type it.
         Introduce yourself first instead, and the same ask goes straight out.
Rule sets: Tools > Plugins > Etiquette > Configure Plugin.
EOF
}

case $ui in
headless)
	echo "purple-etiquette demo (headless: no display, no terminal; DEMO_UI=finch or pidgin to choose)"
	"$PEER" --port "$port" --user "$NICK" --lifetime 120 &
	pids="$pids $!"
	mkdir -p "$tmp/purple"
	"$CLIENT" --demo --port "$port" --plugin "$BUILD/purple-etiquette.so" --user "$NICK" \
		--unanswered "$unanswered" --dir "$tmp/purple"
	status=$?
	;;
finch)
	write_config
	"$PEER" --port "$port" --user "$NICK" --lifetime 1800 >"$tmp/peer.log" 2>&1 &
	pids="$pids $!"
	explain
	cat <<EOF
Finch keys: Alt+N / Alt+P next / previous window (the plugin's question may
            open behind the conversation: Alt+N), Tab to move between buttons,
            Alt+A actions (Plugins), Alt+C close a window, Alt+Q quit (ends the demo).
Press Enter to start Finch.
EOF
	read -r _ || true
	finch -c "$tmp/purple"
	status=$?
	;;
pidgin)
	write_config
	"$PEER" --port "$port" --user "$NICK" --lifetime 1800 &
	pids="$pids $!"
	explain
	echo "Quit Pidgin (Buddies > Quit) to end the demo. What the peers receive is shown here."
	pidgin -c "$tmp/purple" >"$tmp/pidgin.log" 2>&1
	status=$?
	;;
esac
exit "$status"
