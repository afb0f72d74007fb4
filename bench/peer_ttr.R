# R TTR peer for finml_bench. Usage: Rscript bench/peer_ttr.R DATA_DIR
# Times TTR on the OHLCV series that `finml_bench --generate=DATA_DIR` wrote, with the same
# parameters as bench/bench_indicators.cpp, and prints one CSV line per indicator:
# name,items,seconds_per_call,reps,calls_in_best_rep.
# Timing mirrors Google Benchmark as run_all.sh uses it: per repetition, call repeatedly until
# min_time seconds of wall time have passed and take the mean; report the best of `reps`.
suppressPackageStartupMessages(library(TTR))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript bench/peer_ttr.R DATA_DIR")
d <- read.csv(file.path(args[1], "ohlcv_minute.csv"),
              colClasses = c("character", rep("numeric", 5)))
cl <- d$Close
# Plain vectors and a plain matrix: wrapping them in xts would time TTR's conversions too.
hlc <- cbind(High = d$High, Low = d$Low, Close = d$Close)
reps <- 5L
min_time <- 0.2

now <- function() as.numeric(Sys.time())  # microsecond resolution; proc.time() has only ms

best_seconds <- function(fn) {
  invisible(fn())
  best <- Inf
  best_calls <- 0L
  for (r in seq_len(reps)) {
    calls <- 0L
    start <- now()
    repeat {
      invisible(fn())
      calls <- calls + 1L
      elapsed <- now() - start
      if (elapsed >= min_time) break
    }
    if (elapsed / calls < best) {
      best <- elapsed / calls
      best_calls <- calls
    }
  }
  c(best, best_calls)
}

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
cat("name,items,seconds_per_call,reps,calls_in_best_rep\n")
for (name in names(cases)) {
  b <- best_seconds(cases[[name]])
  cat(sprintf("%s,%d,%.9g,%d,%d\n", name, length(cl), b[1], reps, as.integer(b[2])))
}
