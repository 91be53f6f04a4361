#!/bin/sh
# check.sh: vpsfleet runs this once a web server is active, with the
# server's facts in VPSFLEET_SERVER_NAME, _ID, _IPV4, _IPV6 and _HOSTNAME;
# exit 0 means healthy.
#
# Against the real API, check the service itself, for example:
#   exec curl -fsS --max-time 5 "http://$VPSFLEET_SERVER_IPV4/healthz" >/dev/null
# The sandbox's addresses are documentation addresses that answer nothing,
# so here the check only makes sure the server has an address.
if [ -z "$VPSFLEET_SERVER_IPV4" ]; then
  echo "$VPSFLEET_SERVER_NAME (id $VPSFLEET_SERVER_ID) has no IPv4 address yet" >&2
  exit 1
fi
echo "$VPSFLEET_SERVER_NAME (id $VPSFLEET_SERVER_ID) at $VPSFLEET_SERVER_IPV4: ok"
