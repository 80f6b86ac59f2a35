# SPDX-License-Identifier: GPL-2.0
#
# Registration cost against device size (tests/bench/results.py):
#   gnuplot -e "datafile='register.dat'; outfile='register.png'" register.gp
# Columns: size_gib lazy_ms upfront_ms lazy_mib upfront_mib
#          lazy_avail_mib upfront_avail_mib chunks_ms

set terminal pngcairo size 1200,500 font ",10"
set output outfile
set multiplot layout 1,2 title "Registering device-private memory: libdevpriv lazy (1/16 used) vs upfront memremap_pages"
set logscale xy 2
set xlabel "device size (GiB)"
set grid
set key top left

set ylabel "time (ms)"
set title "registration time"
plot datafile using 1:3 with linespoints title "upfront memremap_pages", \
     datafile using 1:2 with linespoints title "libdevpriv lazy, 16 of 256 chunks", \
     datafile using 1:8 with linespoints dashtype 2 title "stock memremap_pages of the same 16 chunks"

set ylabel "memory (MiB)"
set title "struct pages and MemAvailable drop"
plot datafile using 1:5 with linespoints title "upfront: struct pages", \
     datafile using 1:7 with points title "upfront: MemAvailable drop", \
     datafile using 1:4 with linespoints title "lazy: struct pages", \
     datafile using 1:6 with points title "lazy: MemAvailable drop"
unset multiplot
