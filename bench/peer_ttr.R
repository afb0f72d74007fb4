# R TTR peer for finml_bench. Usage: Rscript bench/peer_ttr.R DATA_DIR [REPS]
# Times TTR on the OHLCV series that `finml_bench --generate=DATA_DIR` wrote, with the same
# parameters as bench/bench_indicators.cpp, and prints one CSV line per repetition:
# name,items,seconds_per_call,calls.
# Timing mirrors Google Benchmark as run_all.sh uses it: one untimed warm-up call, then per
# repetition call repeatedly until min_time seconds of wall time have passed and take the mean.
suppressPackageStartupMessages(library(TTR))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript bench/peer_ttr.R DATA_DIR [REPS]")
reps <- if (length(args) >= 2) as.integer(args[2]) else 5L
min_time <- 0.2

# read.csv of a million rows takes seconds and is not what is measured; later rounds of
# run_all.sh reuse the parsed frame. The date column is never loaded: a million strings on R's
# heap made every garbage collection (which TTR's large allocations trigger) mark them all, and
# slowed TTR by 5-15x in a trial on this machine.
rds <- file.path(args[1], "ohlcv_minute.rds")
if (file.exists(rds)) {
  d <- readRDS(rds)
} else {
  d <- read.csv(file.path(args[1], "ohlcv_minute.csv"),
                colClasses = c("NULL", rep("numeric", 5)))
  saveRDS(d, rds, compress = FALSE)
}
cl <- d$Close
# Plain vectors and a plain matrix: wrapping them in xts would time TTR's conversions too.
hlc <- cbind(High = d$High, Low = d$Low, Close = d$Close)
rm(d)
invisible(gc())

now <- function() as.numeric(Sys.time())  # microsecond resolution; proc.time() has only ms

cases <- list(
  SMA_20 = function() SMA(cl, n = 20),
  EMA_20 = function() EMA(cl, n = 20),
  RSI_14 = function() RSI(cl, n = 14),
  BBands_20_2 = function() BBands(cl, n = 20, sd = 2),
  ATR_14 = function() ATR(hlc, n = 14),
  MACD_12_26_9 = function() MACD(cl, nFast = 12, nSlow = 26, nSig = 9, maType = "EMA",
                                 percent = FALSE)
)

cat(sprintf("# %s, TTR %s\n", R.version.string, as.character(packageVersion("TTR"))))
cat("name,items,seconds_per_call,calls\n")
for (name in names(cases)) {
  fn <- cases[[name]]
  invisible(fn())
  for (r in seq_len(reps)) {
    calls <- 0L
    start <- now()
    repeat {
      invisible(fn())
      calls <- calls + 1L
      elapsed <- now() - start
      if (elapsed >= min_time) break
    }
    cat(sprintf("%s,%d,%.9g,%d\n", name, length(cl), elapsed / calls, calls))
  }
}
