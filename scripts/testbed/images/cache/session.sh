#!/bin/sh
# One connection: PING gets PONG, anything else ERR.
IFS= read -r -t 5 line || line=
line=${line%"$(printf '\r')"}
if [ "$line" = PING ]; then echo PONG; else echo ERR; fi
