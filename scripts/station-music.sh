#!/usr/bin/env bash
# Makes the station example's autodj music (profiles/station/music/autodj-loop.ogg): 8 s of a
# plucked arpeggio over a bass line (C, Am, F, G), made by ffmpeg, so the repository carries no
# audio file. It loops without a seam: every note fades in and out within its own quarter second.
# Run by scripts/setup.sh and by the tests that play the station; does nothing when the file is
# there. OUT: another place for it (relative to the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-profiles/station/music/autodj-loop.ogg}"
[ -s "$out" ] && exit 0
command -v ffmpeg >/dev/null 2>&1 || { echo "jdcast station music: ffmpeg is needed (apt-get install ffmpeg)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"

# n: the note (4 a second); bar: the chord (2 s each); root and third: the chord's, in semitones
# from C; step: the note's place in the arpeggio; ph, pb: seconds into the note and the bar.
notes="st(0,floor(t*4));st(1,mod(floor(ld(0)/8),4));\
st(2,if(eq(ld(1),0),0,if(eq(ld(1),1),-3,if(eq(ld(1),2),-7,-5))));st(3,if(eq(ld(1),1),3,4));\
st(4,mod(ld(0),8));\
st(5,if(eq(ld(4),0),0,if(eq(ld(4),1),ld(3),if(eq(ld(4),2),7,if(eq(ld(4),3),12,\
if(eq(ld(4),4),ld(3)+12,if(eq(ld(4),5),12,if(eq(ld(4),6),7,ld(3)))))))));\
st(6,mod(t,0.25));st(7,mod(t,2));\
0.3*sin(2*PI*261.63*pow(2,(ld(2)+ld(5))/12)*t)*exp(-6*ld(6))*min(1,ld(6)*100)*min(1,(0.25-ld(6))*100)\
+0.18*sin(2*PI*65.41*pow(2,ld(2)/12)*t)*exp(-0.8*ld(7))*min(1,ld(7)*50)*min(1,(2-ld(7))*50)"

# Written beside and renamed into place: a test running beside this one never reads half a file.
tmp="$out.$$.tmp.ogg"
trap 'rm -f "$tmp"' EXIT
ffmpeg -v error -nostdin -y -f lavfi -i "aevalsrc=exprs='$notes':s=48000:d=8" -ac 2 -c:a libvorbis -q:a 3 "$tmp"
mv "$tmp" "$out"
