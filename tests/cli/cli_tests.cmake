# End-to-end checks of the finml binary: exit codes and the messages users read.
set(FINML_EXPECT ${CMAKE_SOURCE_DIR}/tests/cli/expect.sh)
set(FINML_CLI_OUT ${CMAKE_BINARY_DIR}/cli_out)

function(finml_cli_test name rc regex)
  add_test(NAME cli.${name} COMMAND ${FINML_EXPECT} ${rc} ${regex} ${ARGN}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endfunction()

finml_cli_test(version 0 "^0\\.1\\.0" -- $<TARGET_FILE:finml> --version)
finml_cli_test(quickstart 0 "report: .*/report.html" --quiet-stderr --
               $<TARGET_FILE:finml> run --out ${FINML_CLI_OUT}/quickstart --overwrite)
finml_cli_test(print_config 0 "\"method\": \"walk_forward\"" --
               $<TARGET_FILE:finml> run examples/dow30_walk_forward.yaml --print-config)
# What --print-config prints runs, with the same results: forecast, risk and credit experiments.
foreach(spec "examples/dow30_walk_forward.yaml|metrics.json|predictions.csv|ic.csv"
             "tests/cli/fixtures/risk_small.yaml|var/var.csv|garch/volatility.csv"
             "examples/german_credit.yaml|oof_predictions.csv|model/state.json")
  string(REPLACE "|" ";" case "${spec}")
  list(GET case 0 experiment)
  list(SUBLIST case 1 -1 compared)
  get_filename_component(stem ${experiment} NAME_WE)
  add_test(NAME cli.print_config_roundtrip_${stem}
           COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/print_config_roundtrip.sh $<TARGET_FILE:finml>
                   ${experiment} ${FINML_CLI_OUT}/roundtrip_${stem} ${compared}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()
finml_cli_test(run_set_override 0 "\"horizon\": 5" --
               $<TARGET_FILE:finml> run examples/msft_dates.yaml --set target.horizon=5 --print-config)
finml_cli_test(run_set_bad_value 2 "--set split.train=1.5: 'split.train' is 1.5. it must be in \\(0, 1\\)" --
               $<TARGET_FILE:finml> run examples/msft_dates.yaml --set split.train=1.5 --print-config)
# A panel's column given as the price field: the error says how to pick a column instead.
finml_cli_test(run_price_names_a_column 2 "unknown price field 'DAX'.*pick the column with data.symbols: \\[NAME\\]" --
               $<TARGET_FILE:finml> run examples/msft_dates.yaml --set data.price=DAX --print-config)
finml_cli_test(risk_var_lambda_range 2 "--ewma-lambda/--lambda: 'ewma_lambda' is 1.5. it must be in \\(0, 1\\)" --
               $<TARGET_FILE:finml> risk var --returns data/dem2gbp.csv --lambda 1.5 --out ${FINML_CLI_OUT}/never)
finml_cli_test(credit_param_range 2 "--param rounds=0: 'params.rounds' is 0. it must be >= 1" --
               $<TARGET_FILE:finml> credit train --model gbdt --param rounds=0 --out ${FINML_CLI_OUT}/never)
finml_cli_test(examples_panel 0 "metrics: " --quiet-stderr --
               $<TARGET_FILE:finml> run examples/dow30_walk_forward.yaml --out ${FINML_CLI_OUT}/dow30 --overwrite)
finml_cli_test(examples_msft 0 "metrics: " --
               $<TARGET_FILE:finml> run examples/msft_dates.yaml --out ${FINML_CLI_OUT}/msft --overwrite)
finml_cli_test(unknown_key 2 "unknown_key.yaml:4:3: unknown key 'trian' in 'split' \\(did you mean 'train'" --
               $<TARGET_FILE:finml> run tests/cli/fixtures/unknown_key.yaml)
# A model's setting beside its type: the error says it goes under params.
finml_cli_test(model_setting_outside_params 2 "model_setting_outside_params.yaml:5:5: unknown key 'hidden' in 'models\\[0\\]'.*go under params:" --
               $<TARGET_FILE:finml> run tests/cli/fixtures/model_setting_outside_params.yaml)
finml_cli_test(flag_of_another_command 2 "--objective is a setting of finml portfolio optimize, not of finml portfolio backtest: did you mean --objectives\\? \\(see finml portfolio backtest --help\\)" --
               $<TARGET_FILE:finml> portfolio backtest --prices data/dowjones30.csv --objective max_sharpe --out ${FINML_CLI_OUT}/never)
finml_cli_test(flag_misspelt 2 "--symbol-x: did you mean --symbol\\?" --
               $<TARGET_FILE:finml> inspect --input data/dowjones30.csv --symbol-x AA)
finml_cli_test(bad_number 2 "bad_number.csv:4:5: cannot parse 'oops' as a number in column 'Close'" --
               $<TARGET_FILE:finml> features --input tests/cli/fixtures/bad_number.csv --out ${FINML_CLI_OUT}/never.csv)
finml_cli_test(missing_file 2 "no/such.csv: cannot open" --
               $<TARGET_FILE:finml> inspect --input no/such.csv)
finml_cli_test(features 0 "wrote .*features.csv \\(249 rows" --
               $<TARGET_FILE:finml> features --input data/msft_ohlcv.csv --out ${FINML_CLI_OUT}/features.csv)
finml_cli_test(features_header 0 "^date,sma_20,ema_12,ema_26,wma_10,macd,macd_signal,macd_hist,rsi_14,bb_lower_20,bb_mid_20,bb_upper_20,bb_pctb_20,roc_10,mom_10,vol_20,zscore_20,lag_close_1,atr_14,stoch_k_14,stoch_d_14,stoch_slowd_14,obv$" --
               head -n 1 ${FINML_CLI_OUT}/features.csv)
set_tests_properties(cli.features_header PROPERTIES DEPENDS cli.features)
finml_cli_test(features_panel 0 "wrote .*\\(2529 rows x 30 asset" --
               $<TARGET_FILE:finml> features --input data/dowjones30.csv --set stationary --out ${FINML_CLI_OUT}/dow_features.csv)
finml_cli_test(inspect 0 "wide_panel, 2529 rows, 1990-12-31 .. 2001-01-02" --
               $<TARGET_FILE:finml> inspect --input data/dowjones30.csv)
finml_cli_test(unknown_feature_set 2 "unknown feature set 'stationery' \\(did you mean 'stationary'" --
               $<TARGET_FILE:finml> features --input data/msft_ohlcv.csv --set stationery --out ${FINML_CLI_OUT}/x.csv)
finml_cli_test(examples_lstm_panel 0 "metrics: " --
               $<TARGET_FILE:finml> run examples/dow30_lstm_panel.yaml --out ${FINML_CLI_OUT}/dow30_lstm --overwrite)
finml_cli_test(predict_usage 2 "--model is required|model.*required" --
               $<TARGET_FILE:finml> predict --input data/aer_djia8012.csv --out ${FINML_CLI_OUT}/p.csv)
# The GPT example end to end, with fewer epochs (--set) to keep the suite quick.
finml_cli_test(examples_gpt 0 "metrics: " --
               $<TARGET_FILE:finml> run examples/gpt_pretrain_djia.yaml --out ${FINML_CLI_OUT}/gpt --overwrite
               --set models[1].params.pretrain_epochs=1 --set models[1].params.epochs=2
               --set models[2].params.pretrain_epochs=1 --set models[2].params.epochs=2
               --set models[3].params.pretrain_epochs=1 --set models[3].params.epochs=2)
finml_cli_test(predict_saved 0 "wrote .*\\(8561 predictions\\)" --
               $<TARGET_FILE:finml> predict --model ${FINML_CLI_OUT}/quickstart/models/ar --input data/aer_djia8012.csv --out ${FINML_CLI_OUT}/ar_pred.csv)
set_tests_properties(cli.predict_saved PROPERTIES DEPENDS cli.quickstart)

# Backtests: the engine against an independent pandas implementation (skipped without pandas).
set(FINML_PY /usr/bin/python3)
finml_cli_test(backtest_sma_djia 0 "sma_cross 1980-03-10 \\.\\. 2012-12-31" --
               $<TARGET_FILE:finml> backtest --prices data/aer_djia8012.csv --strategy sma_cross
               --set fast=20 --set slow=50 --cost-bps 10 --capital 1 --out ${FINML_CLI_OUT}/bt_djia --overwrite)
add_test(NAME backtest.pandas_sma_cross_djia
         COMMAND ${FINML_PY} tests/backtest/sma_cross_pandas.py data/aer_djia8012.csv
                 ${FINML_CLI_OUT}/bt_djia/equity.csv --fast 20 --slow 50 --cost-bps 10 --capital 1
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(backtest.pandas_sma_cross_djia PROPERTIES DEPENDS cli.backtest_sma_djia
                     SKIP_RETURN_CODE 77)
finml_cli_test(backtest_sma_msft_open 0 "wrote .*bt_msft" --
               $<TARGET_FILE:finml> backtest --prices data/msft_ohlcv.csv --strategy sma_cross
               --set fast=5 --set slow=20 --cost-bps 5 --slippage-bps 2 --min-fee 1 --fill open
               --capital 1000 --out ${FINML_CLI_OUT}/bt_msft --overwrite)
add_test(NAME backtest.pandas_sma_cross_msft_open
         COMMAND ${FINML_PY} tests/backtest/sma_cross_pandas.py data/msft_ohlcv.csv
                 ${FINML_CLI_OUT}/bt_msft/equity.csv --fast 5 --slow 20 --cost-bps 5
                 --slippage-bps 2 --min-fee 1 --fill open --capital 1000
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(backtest.pandas_sma_cross_msft_open PROPERTIES
                     DEPENDS cli.backtest_sma_msft_open SKIP_RETURN_CODE 77)
# TTR's synthetic OHLCV (../shared/data, beside a clone in CI): cent prices whose 20- and 50-day
# means tie exactly on 1990-11-27; finml held the long by a last-bit difference until the tie rule.
set(FINML_TTRC ${CMAKE_SOURCE_DIR}/../shared/data/ttrc_ohlcv.csv)
if(EXISTS ${FINML_TTRC})
  finml_cli_test(backtest_sma_ttrc_open 0 "wrote .*bt_ttrc" --
                 $<TARGET_FILE:finml> backtest --prices ${FINML_TTRC} --strategy sma_cross
                 --fill open --cost-bps 10 --slippage-bps 2 --out ${FINML_CLI_OUT}/bt_ttrc --overwrite)
  add_test(NAME backtest.pandas_sma_cross_ttrc_tie
           COMMAND ${FINML_PY} tests/backtest/sma_cross_pandas.py ${FINML_TTRC}
                   ${FINML_CLI_OUT}/bt_ttrc/equity.csv --fast 20 --slow 50 --cost-bps 10
                   --slippage-bps 2 --fill open --capital 1000000
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(backtest.pandas_sma_cross_ttrc_tie PROPERTIES
                       DEPENDS cli.backtest_sma_ttrc_open SKIP_RETURN_CODE 77)
endif()
finml_cli_test(backtest_needs_signals 2 "strategy 'topk' trades on signals: pass --signals" --
               $<TARGET_FILE:finml> backtest --prices data/dowjones30.csv --strategy topk
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(backtest_unknown_setting 2 "--set max_wieght=0\\.5: unknown key 'max_wieght' in 'backtest' \\(did you mean 'max_weight'" --
               $<TARGET_FILE:finml> backtest --prices data/aer_djia8012.csv --strategy sma_cross
               --set max_wieght=0.5 --out ${FINML_CLI_OUT}/never)
finml_cli_test(backtest_open_needs_ohlc 2 "fill 'open' needs opening prices" --
               $<TARGET_FILE:finml> backtest --prices data/aer_djia8012.csv --strategy sma_cross
               --fill open --out ${FINML_CLI_OUT}/never)
finml_cli_test(backtest_signal_bad_date 2 "signals_bad_date.csv:3:1: '2000-12-30' is not a date of the price data" --
               $<TARGET_FILE:finml> backtest --prices data/dowjones30.csv
               --signals tests/cli/fixtures/signals_bad_date.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(backtest_signal_bad_symbol 2 "signals_bad_symbol.csv:2:2: symbol 'MSTF' is not in the prices.*did you mean 'MSFT'" --
               $<TARGET_FILE:finml> backtest --prices data/dowjones30.csv
               --signals tests/cli/fixtures/signals_bad_symbol.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(backtest_topk_panel 0 "^equal-weight buy-and-hold: total return" --
               $<TARGET_FILE:finml> backtest --prices data/dowjones30.csv
               --signals tests/cli/fixtures/dow30_momentum_signals.csv --strategy topk --top-k 5
               --out ${FINML_CLI_OUT}/bt_topk --overwrite)
finml_cli_test(backtest_trades_header 0 "^date,symbol,side,quantity,price,value,fee,slippage$" --
               head -n 1 ${FINML_CLI_OUT}/bt_topk/trades.csv)
set_tests_properties(cli.backtest_trades_header PROPERTIES DEPENDS cli.backtest_topk_panel)

# Market risk: the published GARCH benchmark through the CLI, a VaR backtest, and bad series.
finml_cli_test(risk_garch_dem2gbp 0 "garch-normal: mu -0\\.00619041 .* omega 0\\.0107614 .* alpha 0\\.153134 .* beta 0\\.805974" --
               $<TARGET_FILE:finml> risk garch --returns data/dem2gbp.csv --out ${FINML_CLI_OUT}/garch --overwrite)
finml_cli_test(risk_garch_loglik 0 "loglik -1106\\.6078" --
               $<TARGET_FILE:finml> risk garch --returns data/dem2gbp.csv --out ${FINML_CLI_OUT}/garch_loglik --overwrite)
finml_cli_test(risk_var_djia 0 "historical +0\\.99 +next VaR [0-9.]+% +exceptions" --
               $<TARGET_FILE:finml> risk var --prices data/aer_djia8012.csv --method historical,ewma
               --level 0.99 --out ${FINML_CLI_OUT}/var --overwrite)
finml_cli_test(risk_var_constant 2 "returns are constant" --
               $<TARGET_FILE:finml> risk var --returns tests/cli/fixtures/returns_constant.csv
               --window 100 --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_garch_short 2 "at least 100 returns, got 50" --
               $<TARGET_FILE:finml> risk garch --returns tests/cli/fixtures/returns_short.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_var_nan 2 "returns_nan.csv:43:2: missing value in column 'r'.*--missing drop" --
               $<TARGET_FILE:finml> risk var --returns tests/cli/fixtures/returns_nan.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_var_short_window 2 "too few out-of-sample days" --
               $<TARGET_FILE:finml> risk var --returns tests/cli/fixtures/returns_short.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_returns_or_prices 2 "--returns excludes --prices" --
               $<TARGET_FILE:finml> risk var --returns data/dem2gbp.csv --prices data/aer_djia8012.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_garch_forecast_bound 2 "--forecast: 'forecast' is 4000000000. it must be <= 100000" --
               $<TARGET_FILE:finml> risk garch --returns data/dem2gbp.csv --forecast 4000000000 --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_var_simulations_bound 2 "--simulations: 'simulations' is 0. it must be in \\[100, 1e\\+07\\]" --
               $<TARGET_FILE:finml> risk var --returns data/dem2gbp.csv --method monte_carlo --simulations 0 --out ${FINML_CLI_OUT}/never)
finml_cli_test(inspect_device 2 "/dev/zero: is a device, not a file" --
               $<TARGET_FILE:finml> inspect --input /dev/zero)
finml_cli_test(inspect_directory 2 "data: is a directory" --
               $<TARGET_FILE:finml> inspect --input data)
finml_cli_test(risk_needs_kind 2 "--returns FILE or --prices FILE" --
               $<TARGET_FILE:finml> risk garch --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_portfolio 0 "portfolio VaR 0\\.99 over 10 day\\(s\\) \\(ledoit_wolf" --
               $<TARGET_FILE:finml> risk portfolio --prices data/dowjones30.csv --horizon 10
               --out ${FINML_CLI_OUT}/portfolio --overwrite)
finml_cli_test(risk_stress 0 "ltcm_1998 +historical +portfolio -" --
               $<TARGET_FILE:finml> risk stress --prices data/dowjones30.csv --shock MSFT=-0.3
               --out ${FINML_CLI_OUT}/stress --overwrite)
finml_cli_test(risk_experiment 0 "results: .*risk_run" --quiet-stderr --
               $<TARGET_FILE:finml> run tests/cli/fixtures/risk_small.yaml --out ${FINML_CLI_OUT}/risk_run --overwrite)

# Credit scoring: the CLI, bad inputs, and the peers on finml's own folds (skipped without them).
finml_cli_test(credit_train_logistic 0 "logistic, 1000 rows, 5-fold CV: AUC 0\\.7" --
               $<TARGET_FILE:finml> credit train --model logistic --encoding one_hot
               --protected ForeignWorker --out ${FINML_CLI_OUT}/credit_logistic --overwrite)
finml_cli_test(credit_train_gbdt 0 "gbdt, 1000 rows, 5-fold CV" --
               $<TARGET_FILE:finml> credit train --model gbdt --encoding one_hot --no-importance
               --out ${FINML_CLI_OUT}/credit_gbdt --overwrite)
finml_cli_test(credit_train_rf 0 "rf, 1000 rows, 5-fold CV" --
               $<TARGET_FILE:finml> credit train --model rf --encoding one_hot --no-importance
               --out ${FINML_CLI_OUT}/credit_rf --overwrite)
foreach(model logistic gbdt rf)
  add_test(NAME credit.peer_auc_${model}
           COMMAND ${FINML_PY} bench/peer_credit.py check data/german_credit.csv
                   ${FINML_CLI_OUT}/credit_${model} ${model} 0.01
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(credit.peer_auc_${model} PROPERTIES DEPENDS cli.credit_train_${model}
                       SKIP_RETURN_CODE 77)
endforeach()
finml_cli_test(credit_score 0 "scored 1000 row\\(s\\)" --
               $<TARGET_FILE:finml> credit score --model ${FINML_CLI_OUT}/credit_gbdt
               --input data/german_credit.csv --out ${FINML_CLI_OUT}/credit_scores.csv)
set_tests_properties(cli.credit_score PROPERTIES DEPENDS cli.credit_train_gbdt)
finml_cli_test(credit_score_unseen 0 "unseen categories: 1" --
               $<TARGET_FILE:finml> credit score --model ${FINML_CLI_OUT}/credit_cat
               --input tests/cli/fixtures/credit_unseen.csv --out ${FINML_CLI_OUT}/credit_unseen_scores.csv)
finml_cli_test(credit_train_categorical 0 "logistic, 40 rows" --
               $<TARGET_FILE:finml> credit train --data tests/cli/fixtures/credit_small.csv
               --target default --positive yes --folds 2 --out ${FINML_CLI_OUT}/credit_cat --overwrite)
set_tests_properties(cli.credit_score_unseen PROPERTIES DEPENDS cli.credit_train_categorical)
finml_cli_test(credit_wrong_target 2 "no target column 'Klass' \\(did you mean 'Class'" --
               $<TARGET_FILE:finml> credit train --target Klass --out ${FINML_CLI_OUT}/never)
finml_cli_test(credit_single_class 2 "exactly two classes, found 1 \\(yes\\). a single class leaves nothing" --
               $<TARGET_FILE:finml> credit train --data tests/cli/fixtures/credit_one_class.csv
               --target default --out ${FINML_CLI_OUT}/never)
finml_cli_test(credit_text_in_numeric 2 "credit_bad_number.csv:7:1: 'abc' is not a number, in column 'income'" --
               $<TARGET_FILE:finml> credit train --data tests/cli/fixtures/credit_bad_number.csv
               --target default --out ${FINML_CLI_OUT}/never)
finml_cli_test(credit_experiment 0 "german_credit_gbdt: gbdt, AUC 0\\.7" --quiet-stderr --
               $<TARGET_FILE:finml> run examples/german_credit.yaml --out ${FINML_CLI_OUT}/credit_run --overwrite)

# The model service through the binary: start, answer, refuse bad input, stop on SIGTERM.
add_test(NAME cli.serve_smoke COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/serve_smoke.sh
         $<TARGET_FILE:finml> ${FINML_CLI_OUT}/serve_smoke WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
finml_cli_test(serve_no_models 2 "--models /nonexistent/models: not a directory" --
               $<TARGET_FILE:finml> serve --models /nonexistent/models --port 0)
finml_cli_test(serve_tls_needs_both 2 "TLS needs both --tls-cert and --tls-key" --
               $<TARGET_FILE:finml> serve --models data --tls-cert data/PROVENANCE.md --port 0)

# The source tree matches .clang-format (skipped without clang-format or outside a git checkout).
add_test(NAME style.clang_format COMMAND ${CMAKE_SOURCE_DIR}/scripts/format-check.sh
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(style.clang_format PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME cli.output_whole_or_nothing
         COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/output_whole_or_nothing.sh $<TARGET_FILE:finml>
                 ${FINML_CLI_OUT}/whole_or_nothing WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
finml_cli_test(run_constant_series 2 "prices_constant.csv: the series 'prices_constant' is constant \\(every close is 5\\)" --
               $<TARGET_FILE:finml> run examples/quickstart.yaml --set data.path=tests/cli/fixtures/prices_constant.csv
               --out ${FINML_CLI_OUT}/never)
add_test(NAME cli.malformed_corpus
         COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/malformed_corpus.sh $<TARGET_FILE:finml>
                 ${FINML_CLI_OUT}/malformed_corpus WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
finml_cli_test(risk_stress_unnamed_shocks 0 "AA -20%, KO -10% +hypothetical portfolio" --
               $<TARGET_FILE:finml> risk stress --prices data/dowjones30.csv --shock AA=-0.2,KO=-0.1
               --shock KO=-0.3 --out ${FINML_CLI_OUT}/stress_unnamed --overwrite)
finml_cli_test(inspect_table_without_dates 2 "loans_table.csv:2:3: cannot parse 'adjustable' as a number in column 'kind'. the file has no date column .* first column 'rate' .*finml credit train" --
               $<TARGET_FILE:finml> inspect --input tests/cli/fixtures/loans_table.csv)
# Defaults and examples that name shipped data work from any directory (issue 14, item 7).
finml_cli_test(credit_train_from_elsewhere 0 "logistic.*AUC" --
               /bin/sh -c "cd ${CMAKE_BINARY_DIR} && $<TARGET_FILE:finml> credit train --folds 2 --no-importance --out ${FINML_CLI_OUT}/credit_elsewhere --overwrite")
finml_cli_test(risk_var_from_elsewhere 0 "historical +0\\.99" --
               /bin/sh -c "cd ${CMAKE_BINARY_DIR} && $<TARGET_FILE:finml> risk var --returns data/dem2gbp.csv --out ${FINML_CLI_OUT}/var_elsewhere --overwrite")
# A fit on the parameter boundary says so and still gives the other standard errors (issue 14, 9).
finml_cli_test(risk_garch_boundary 0 "warning: the fit is on the boundary: alpha = 4\\.71e-12, at its lower bound 0" --
               $<TARGET_FILE:finml> risk garch --returns tests/cli/fixtures/returns_garch_boundary.csv
               --out ${FINML_CLI_OUT}/garch_boundary --overwrite)
finml_cli_test(risk_garch_boundary_se 0 "mu 0\\.115324 \\(0\\.056\\) omega 0\\.30752 \\(0\\.294\\) alpha 4\\.7096e-12 \\(nan\\) beta 0\\.672012 \\(0\\.31\\)" --
               $<TARGET_FILE:finml> risk garch --returns tests/cli/fixtures/returns_garch_boundary.csv
               --out ${FINML_CLI_OUT}/garch_boundary_se --overwrite)
# Issue 14: column choices, policies and clocks on every command that reads prices or tables.
finml_cli_test(backtest_symbols 0 "gold buy-and-hold" --
               $<TARGET_FILE:finml> backtest --prices tests/cli/fixtures/metals.csv --symbols gold
               --strategy sma_cross --out ${FINML_CLI_OUT}/backtest_symbols --overwrite)
finml_cli_test(backtest_drop_rename 0 "XAU buy-and-hold" --
               $<TARGET_FILE:finml> backtest --prices tests/cli/fixtures/metals.csv --drop silver
               --rename gold=XAU --strategy sma_cross --out ${FINML_CLI_OUT}/backtest_rename --overwrite)
finml_cli_test(backtest_unknown_symbol 2 "symbols: no column 'golf' in the file .fix: did you mean 'gold'" --
               $<TARGET_FILE:finml> backtest --prices tests/cli/fixtures/metals.csv --symbols golf
               --strategy sma_cross --out ${FINML_CLI_OUT}/never)
finml_cli_test(run_symbols 0 "\"symbols\": \\[\n? *\"gold\"" --
               $<TARGET_FILE:finml> run examples/quickstart.yaml --set data.path=tests/cli/fixtures/metals.csv
               --set "data.symbols=[gold]" --print-config)
finml_cli_test(risk_var_gaps_message 2 "swiss_sectors_gaps.csv:42:2: missing value in column 'Banks'.*--missing ffill" --
               $<TARGET_FILE:finml> risk var --prices tests/cli/fixtures/swiss_sectors_gaps.csv --column Banks
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_var_gaps_ffill 0 "data repair: missing values forward-filled: 3" --
               $<TARGET_FILE:finml> risk var --prices tests/cli/fixtures/swiss_sectors_gaps.csv --column Banks
               --missing ffill --out ${FINML_CLI_OUT}/risk_var_ffill --overwrite)
finml_cli_test(risk_portfolio_gaps_drop 0 "dates with a missing value dropped: 4" --
               $<TARGET_FILE:finml> risk portfolio --prices tests/cli/fixtures/swiss_sectors_gaps.csv
               --missing drop --out ${FINML_CLI_OUT}/risk_portfolio_drop --overwrite)
finml_cli_test(two_time_columns 2 "2 columns hold times \\('DateTime_Zurich', 'DateTime_UTC'\\). which one.*--date-column DateTime_UTC" --
               $<TARGET_FILE:finml> risk garch --prices tests/cli/fixtures/fx_two_times.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(time_zone_and_resample 0 "53 rows, 1996-03-01 .. 1996-05-01" --
               $<TARGET_FILE:finml> inspect --input tests/cli/fixtures/fx_two_times.csv --date-column DateTime_UTC
               --source-timezone UTC --timezone Europe/Zurich --resample D)
finml_cli_test(garch_on_4h_bars 0 "garch-normal: mu" --
               $<TARGET_FILE:finml> risk garch --prices tests/cli/fixtures/fx_two_times.csv --date-column DateTime_UTC
               --resample 4h --out ${FINML_CLI_OUT}/garch_4h --overwrite)
finml_cli_test(backtest_intraday_annualisation 0 "annualisation: 6048 bars per year, inferred: 24 bars per trading day x 252 trading days" --
               $<TARGET_FILE:finml> backtest --prices tests/cli/fixtures/fx_two_times.csv --date-column DateTime_UTC
               --strategy sma_cross --out ${FINML_CLI_OUT}/backtest_intraday --overwrite)
add_test(NAME cli.backtest_from_run
         COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/backtest_from_run.sh $<TARGET_FILE:finml>
                 ${FINML_CLI_OUT}/backtest_from_run WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME cli.credit_score_batch
         COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/credit_score_batch.sh $<TARGET_FILE:finml>
                 ${FINML_CLI_OUT}/credit_score_batch WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
finml_cli_test(credit_small_bins 0 "'income': 10 of 10 WoE bins hold fewer than 20 training rows" --
               $<TARGET_FILE:finml> credit train --data tests/cli/fixtures/applicants_small.csv --target default
               --exclude id,sex --no-importance --out ${FINML_CLI_OUT}/credit_small_bins --overwrite)
finml_cli_test(credit_implausible_iv 0 "'income': information value 1\\.88 is implausibly strong" --
               $<TARGET_FILE:finml> credit train --data tests/cli/fixtures/applicants_small.csv --target default
               --exclude id,sex --no-importance --out ${FINML_CLI_OUT}/credit_implausible_iv --overwrite)
finml_cli_test(credit_woe_turns 0 "'income': the weight of evidence changes direction 4 times" --
               $<TARGET_FILE:finml> credit train --data tests/cli/fixtures/applicants_small.csv --target default
               --exclude id,sex --no-importance --out ${FINML_CLI_OUT}/credit_woe_turns --overwrite)
finml_cli_test(credit_monotonic_bins 0 "logistic, 78 rows" --
               $<TARGET_FILE:finml> credit train --data tests/cli/fixtures/applicants_small.csv --target default
               --exclude id,sex --monotonic --min-bin-share 0.2 --no-importance --out ${FINML_CLI_OUT}/credit_monotonic --overwrite)
finml_cli_test(credit_rename 0 "logistic, 200 rows" --
               $<TARGET_FILE:finml> credit train --data tests/cli/fixtures/applicants_ids.csv --target default
               --rename income=salary --exclude id,sex --no-importance --out ${FINML_CLI_OUT}/credit_rename --overwrite)
add_test(NAME cli.installed
         COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/installed.sh ${CMAKE_BINARY_DIR} ${FINML_CLI_OUT}/installed
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
finml_cli_test(decimal_year_hint 0 "note: the index .'1991\\.496153846154' \\.\\. '1998\\.646153846154'. looks like decimal years.*--decimal-year" --
               $<TARGET_FILE:finml> risk var --prices data/eustockmarkets.csv --column DAX --out ${FINML_CLI_OUT}/eu_var --overwrite)
finml_cli_test(semicolon_separated 2 "semicolons.csv:1: the header is one column holding '.': the file is separated by semicolons" --
               $<TARGET_FILE:finml> inspect --input tests/cli/fixtures/semicolons.csv)
finml_cli_test(returns_given_as_prices 2 "non-positive price .*a file of returns is read by risk var and risk garch with --returns" --
               $<TARGET_FILE:finml> risk portfolio --prices data/dem2gbp.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_var_returns_gap_fix 2 "missing value in column 'r'.*leave the date out: --missing drop" --
               $<TARGET_FILE:finml> risk var --returns tests/cli/fixtures/returns_nan.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(intraday_var_names_its_step 0 "portfolio VaR 0\\.99 over 1 1-hour bar" --
               $<TARGET_FILE:finml> risk portfolio --prices tests/cli/fixtures/fx_two_times.csv --date-column DateTime_UTC
               --out ${FINML_CLI_OUT}/intraday_portfolio --overwrite)
finml_cli_test(credit_identifier_column 0 "'id' names rows .an id, or a different text in every row.: an identifier, not used as an input" --
               $<TARGET_FILE:finml> credit train --data tests/cli/fixtures/applicants_ids.csv --target default
               --no-importance --out ${FINML_CLI_OUT}/credit_identifier --overwrite)
# New-user findings: the report names the series it is about; an OHLCV file without dates is not
# sent to the credit commands.
finml_cli_test(var_report_names_its_column 0 "VaR backtest: Banks" --
               /bin/sh -c "$<TARGET_FILE:finml> risk var --prices tests/cli/fixtures/swiss_sectors_gaps.csv --column Banks --missing drop --out ${FINML_CLI_OUT}/var_title --overwrite >/dev/null && cat ${FINML_CLI_OUT}/var_title/report.html")
finml_cli_test(ohlcv_without_dates 2 "first column 'Open' .fix: prices need a date column, first or named 'date' .finml orders" --
               /bin/sh -c "printf 'Open,High,Low,Close\\n5,6,4,5\\n4,5,3,4\\n' > ${FINML_CLI_OUT}/no_dates.csv && $<TARGET_FILE:finml> inspect --input ${FINML_CLI_OUT}/no_dates.csv")
# Every risk command writes a report: portfolio and stress list report.html with their JSON, the
# VaR report shows losses in money for a position, and the GARCH report says what the residuals left.
finml_cli_test(risk_portfolio_report 0 "wrote .*/risk_portfolio_report/.portfolio\\.json,report\\.html,plotly-[0-9.]*\\.min\\.js." --
               $<TARGET_FILE:finml> risk portfolio --prices data/dowjones30.csv --out ${FINML_CLI_OUT}/risk_portfolio_report --overwrite)
finml_cli_test(risk_stress_report 0 "wrote .*/risk_stress_report/.stress\\.json,report\\.html,plotly-[0-9.]*\\.min\\.js." --
               $<TARGET_FILE:finml> risk stress --prices data/dowjones30.csv --shock MSFT=-0.3 --out ${FINML_CLI_OUT}/risk_stress_report --overwrite)
finml_cli_test(risk_var_position_in_money 0 "99% historical VaR for the next day is [0-9.]*% of the position \\([0-9,]*\\.[0-9][0-9] on 1,000,000\\)" --
               /bin/sh -c "$<TARGET_FILE:finml> risk var --prices data/aer_djia8012.csv --position 1000000 --out ${FINML_CLI_OUT}/var_position --overwrite >/dev/null && cat ${FINML_CLI_OUT}/var_position/report.html")
finml_cli_test(risk_var_position_positive 2 "position.* must be > 0" --
               $<TARGET_FILE:finml> risk var --returns data/dem2gbp.csv --position -5 --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_garch_report_diagnostics 0 "no ARCH effect is left in the standardised residuals .ARCH-LM\\(10\\) p = 0\\.563" --
               /bin/sh -c "$<TARGET_FILE:finml> risk garch --returns data/dem2gbp.csv --out ${FINML_CLI_OUT}/garch_report --overwrite >/dev/null && cat ${FINML_CLI_OUT}/garch_report/report.html")
# A benchmark from its own price file, and several strategies side by side on one tearsheet: the
# benchmark is valued at its last close at or before each bar.
finml_cli_test(backtest_benchmark_file 0 "DJIA \\(aer_djia8012\\.csv\\): total return -0\\.69%" --
               $<TARGET_FILE:finml> backtest --prices data/dowjones30.csv --signals tests/cli/fixtures/dow30_momentum_signals.csv
               --strategy topk --benchmark data/aer_djia8012.csv --out ${FINML_CLI_OUT}/bench_file --overwrite)
finml_cli_test(backtest_benchmark_file_too_late 2 "benchmark file .*late_index\\.csv starts on 2000-12-01, after the backtest's first fill on 2000-10-03" --
               /bin/sh -c "printf 'date,close\\n2000-12-01,100\\n2000-12-04,101\\n' > ${FINML_CLI_OUT}/late_index.csv && $<TARGET_FILE:finml> backtest --prices data/dowjones30.csv --signals tests/cli/fixtures/dow30_momentum_signals.csv --strategy topk --benchmark ${FINML_CLI_OUT}/late_index.csv --out ${FINML_CLI_OUT}/never")
finml_cli_test(backtest_side_by_side 0 "Worst drawdowns: sma_cross.*Worst drawdowns: rsi_reversion" --
               /bin/sh -c "$<TARGET_FILE:finml> backtest --prices data/aer_djia8012.csv --strategy sma_cross,rsi_reversion --out ${FINML_CLI_OUT}/side_by_side --overwrite >/dev/null && tr -d '\\n' < ${FINML_CLI_OUT}/side_by_side/tearsheet.html")
finml_cli_test(backtest_title_names_symbols 0 "<title>Backtest: sma_cross on AA, KO of data/dowjones30\\.csv</title>" --
               /bin/sh -c "$<TARGET_FILE:finml> backtest --prices data/dowjones30.csv --symbols AA,KO --strategy sma_cross --out ${FINML_CLI_OUT}/title_symbols --overwrite >/dev/null && cat ${FINML_CLI_OUT}/title_symbols/tearsheet.html")
finml_cli_test(backtest_rolling_window_bad 2 "rolling_window: '6 months' is not a window .fix: a calendar length such as 6M" --
               $<TARGET_FILE:finml> backtest --prices data/aer_djia8012.csv --strategy sma_cross --rolling-window "6 months" --out ${FINML_CLI_OUT}/never)
# The credit report: the chart library beside it, the verdict in a sentence (ranking, then whether
# the probabilities can be read as PDs), and a SHAP summary for tree models.
finml_cli_test(credit_report_files 0 "wrote .*/credit_report_files/.metrics\\.json,oof_predictions\\.csv,scorecard\\.csv,report\\.html,plotly-[0-9.]*\\.min\\.js,model/." --
               $<TARGET_FILE:finml> credit train --folds 2 --no-importance --out ${FINML_CLI_OUT}/credit_report_files --overwrite)
# (0.777, well calibrated, until stop 45: flags that are 0 on under a tenth of rows had one WoE
# bin and were dropped; with both bins the AUC rises and two deciles of probability fall off.)
finml_cli_test(credit_report_verdict 0 "logistic with WoE on german_credit\\.csv: ROC AUC 0\\.779 .{1,2} 0\\.034 over 5 folds, Gini 0\\.559, KS 0\\.454. probabilities off \\(Brier 0\\.17\\): the observed default rate is beyond noise from the predicted in 2 of 10 bins" --
               /bin/sh -c "$<TARGET_FILE:finml> credit train --no-importance --out ${FINML_CLI_OUT}/credit_report_verdict --overwrite >/dev/null && cat ${FINML_CLI_OUT}/credit_report_verdict/report.html")
finml_cli_test(credit_report_shap 0 "SHAP value per applicant \\(top 15 features, 1,000 applicants" --
               /bin/sh -c "$<TARGET_FILE:finml> credit train --model xgboost --param rounds=50 --no-importance --out ${FINML_CLI_OUT}/credit_report_shap --overwrite >/dev/null && cat ${FINML_CLI_OUT}/credit_report_shap/report.html")
finml_cli_test(backtest_benchmark_file_ends_early 2 "benchmark file .*short_index\\.csv has no price between 2000-10-10 and 2000-10-18, a bar of the backtest .fix: a benchmark that covers the whole period, through 2001-01-02" --
               /bin/sh -c "printf 'date,close\\n2000-09-29,100\\n2000-10-05,100.5\\n2000-10-10,101\\n' > ${FINML_CLI_OUT}/short_index.csv && $<TARGET_FILE:finml> backtest --prices data/dowjones30.csv --signals tests/cli/fixtures/dow30_momentum_signals.csv --strategy topk --benchmark ${FINML_CLI_OUT}/short_index.csv --out ${FINML_CLI_OUT}/never")
# max_leverage caps decisions; drift between them is said, with the day and the fix.
finml_cli_test(backtest_leverage_drift_warned 0 "gross exposure reached 108\\.0% of equity on 2000-12-12, above max_leverage 100%" --
               $<TARGET_FILE:finml> backtest --prices data/dowjones30.csv --signals tests/cli/fixtures/dow30_momentum_signals.csv
               --strategy topk --out ${FINML_CLI_OUT}/leverage_drift --overwrite)
finml_cli_test(backtest_strategy_listed_twice 2 "strategy 'sma_cross' is listed twice" --
               $<TARGET_FILE:finml> backtest --prices data/aer_djia8012.csv --strategy sma_cross,sma_cross --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_var_prints_next_var 0 "historical +0\\.99 +next VaR 1\\.89% \\(18,909\\.67\\) +exceptions +124" --
               $<TARGET_FILE:finml> risk var --prices data/aer_djia8012.csv --position 1000000 --out ${FINML_CLI_OUT}/var_next --overwrite)
# A run's backtest benchmark from a file: found like the data file, and hashed in the provenance.
finml_cli_test(run_backtest_benchmark_file 0 "<dt>input data/aer_djia8012.csv</dt>" --
               /bin/sh -c "$<TARGET_FILE:finml> run tests/report/fixtures/single_asset_run.yaml --set backtest.benchmark=data/aer_djia8012.csv --out ${FINML_CLI_OUT}/run_bench_file --overwrite >/dev/null 2>&1 && cat ${FINML_CLI_OUT}/run_bench_file/backtest/ar/tearsheet.html")

# Portfolio optimisation: PyPortfolioOpt's README example through the CLI, the failure modes its
# users report as clear errors, a frontier and a walk-forward backtest.
finml_cli_test(portfolio_readme_max_sharpe 0
               "max_sharpe: 9 of 20 assets held. expected return 30\\.48%, volatility 22\\.17%, Sharpe 1\\.285" --
               $<TARGET_FILE:finml> portfolio optimize --prices data/pypfopt_stock_prices.csv
               --objective max_sharpe --risk-free 0.02 --out ${FINML_CLI_OUT}/portfolio_readme --overwrite)
finml_cli_test(portfolio_sharpe_below_risk_free 2
               "no asset's expected return .* beats the risk-free rate 0\\.9" --
               $<TARGET_FILE:finml> portfolio optimize --prices data/dowjones30.csv
               --objective max_sharpe --risk-free 0.9 --out ${FINML_CLI_OUT}/never)
finml_cli_test(portfolio_infeasible_bounds 2
               "bounds \\[0, 0\\.02\\] on 30 assets let the weights sum to \\[0, 0\\.6\\], not 1" --
               $<TARGET_FILE:finml> portfolio optimize --prices data/dowjones30.csv
               --objective min_variance --bounds 0,0.02 --out ${FINML_CLI_OUT}/never)
finml_cli_test(portfolio_infeasible_sectors 2
               "every asset is in a capped sector and the caps sum to 0\\.9" --
               $<TARGET_FILE:finml> portfolio optimize --prices data/dowjones30.csv
               --objective min_variance --sectors tests/cli/fixtures/dow30_sectors.csv
               --sector-cap Industrials=0.2,Technology=0.2 --sector-cap Consumer=0.2
               --sector-cap Financials=0.1 --sector-cap Health=0.1 --sector-cap Materials=0.1
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(portfolio_unknown_sector 2 "no asset of the data is in sector 'Tech'.*did you mean 'Technology'" --
               $<TARGET_FILE:finml> portfolio optimize --prices data/dowjones30.csv
               --sectors tests/cli/fixtures/dow30_sectors.csv --sector-cap Tech=0.2
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(portfolio_unknown_objective 2 "unknown objective 'min_var' \\(did you mean 'min_variance'" --
               $<TARGET_FILE:finml> portfolio optimize --prices data/dowjones30.csv
               --objective min_var --out ${FINML_CLI_OUT}/never)
finml_cli_test(portfolio_rule_with_constraints 2 "hrp is a rule, not an optimisation" --
               $<TARGET_FILE:finml> portfolio optimize --prices data/dowjones30.csv
               --objective hrp --bounds 0,0.1 --out ${FINML_CLI_OUT}/never)
finml_cli_test(portfolio_long_short_sectors 0 "efficient_return: 30 of 30 assets held. expected return 25\\.00%" --
               $<TARGET_FILE:finml> portfolio optimize --prices data/dowjones30.csv
               --objective efficient_return --target-return 0.25 --bounds -0.2,0.3 --leverage 1.6
               --sectors tests/cli/fixtures/dow30_sectors.csv --sector-cap Technology=0.3
               --risk-model ledoit_wolf --portfolio-value 100000
               --out ${FINML_CLI_OUT}/portfolio_long_short --overwrite)
finml_cli_test(portfolio_frontier 0 "20 frontier points from volatility" --
               $<TARGET_FILE:finml> portfolio frontier --prices data/pypfopt_stock_prices.csv
               --points 20 --out ${FINML_CLI_OUT}/portfolio_frontier --overwrite)
finml_cli_test(portfolio_backtest 0 "equal-weight buy-and-hold +Sharpe +[0-9.]+ +return" --
               $<TARGET_FILE:finml> portfolio backtest --prices data/dowjones30.csv
               --objectives min_variance,hrp,equal_weight --window 252 --rebalance quarterly
               --cost-bps 10 --out ${FINML_CLI_OUT}/portfolio_backtest --overwrite)
# Forecast -> portfolio -> backtest: a run's predictions as expected returns.
finml_cli_test(portfolio_from_forecasts 0 "portfolio: ridge \\(max_sharpe\\) +Sharpe +[0-9.]+ +return" --
               $<TARGET_FILE:finml> run examples/dow30_forecast_portfolio.yaml
               --out ${FINML_CLI_OUT}/portfolio_from_forecasts --overwrite)
finml_cli_test(portfolio_section_with_prices 2 "drop portfolio.prices and portfolio.returns" --
               $<TARGET_FILE:finml> run examples/dow30_forecast_portfolio.yaml
               --set portfolio.prices=data/dowjones30.csv --out ${FINML_CLI_OUT}/never)

# Reinforcement learning (issue 17): the agent's trading is the backtester's on its weights; the
# saved agent predicts and evaluates; wrong requests are refused with the fix.
add_test(NAME cli.rl_backtest_parity
         COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/rl_backtest_parity.sh $<TARGET_FILE:finml>
                 ${FINML_CLI_OUT}/rl_parity WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
finml_cli_test(rl_dqn_on_portfolio 2 "the portfolio environment takes continuous target weights.*--env trading" --
               $<TARGET_FILE:finml> rl train --prices data/dowjones30.csv --agent dqn --out ${FINML_CLI_OUT}/never)
finml_cli_test(rl_unknown_asset 2 "no symbol 'KOO' to trade \\(did you mean 'KO'" --
               $<TARGET_FILE:finml> rl train --prices data/dowjones30.csv --env trading --asset KOO
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(rl_train_end_past_data 2 "nothing is left to validate and trade \\(fix: an earlier --train-end\\)" --
               $<TARGET_FILE:finml> rl train --prices data/dowjones30.csv --train-end 2050-01-01
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(rl_retrain_word 2 "'retrain' is 'weekly': give none, monthly, quarterly" --
               $<TARGET_FILE:finml> rl train --prices data/dowjones30.csv --retrain weekly
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(rl_unknown_agent 2 "unknown agent 'ddpg'.*valid: ppo, a2c, reinforce, dqn, sac" --
               $<TARGET_FILE:finml> rl train --prices data/dowjones30.csv --agent ddpg
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(rl_trading_dqn 0 "ridge_sign +Sharpe" --
               $<TARGET_FILE:finml> rl train --prices data/pypfopt_stock_prices.csv --env trading
               --asset AMZN --agent dqn --timesteps 3000 --seeds 2 --learning-starts 500
               --train-end 2012-12-31 --validation-end 2015-12-31
               --out ${FINML_CLI_OUT}/rl_trading_dqn --overwrite)
finml_cli_test(rl_ensemble_rolling 0 "^ensemble +Sharpe" --
               $<TARGET_FILE:finml> rl train --prices data/dowjones30.csv --agent ppo --agent a2c
               --timesteps 800 --seeds 1 --retrain quarterly --train-end 1997-06-30
               --validation-end 1999-06-30 --turbulence --feature rsi_14
               --out ${FINML_CLI_OUT}/rl_ensemble --overwrite)
finml_cli_test(rl_experiment_print_config 0 "\"retrain\": \"quarterly\"" --
               $<TARGET_FILE:finml> run examples/dow30_rl_ensemble.yaml --print-config)
finml_cli_test(rl_experiment_runs 0 "^ensemble +Sharpe" --
               $<TARGET_FILE:finml> run examples/dow30_rl_ensemble.yaml --set rl.timesteps=300
               --set rl.seeds=1 --set rl.learning_starts=100 --out ${FINML_CLI_OUT}/rl_experiment --overwrite)
finml_cli_test(rl_experiment_bad_key 2 "unknown key 'agent'.*did you mean 'agents'" --
               $<TARGET_FILE:finml> run examples/dow30_rl_ensemble.yaml --set rl.agent=ppo
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(rl_setting_of_the_other_env 0 "finml: note: weights is a setting of the portfolio environment" --
               $<TARGET_FILE:finml> rl train --prices data/dowjones30.csv --env trading --asset KO
               --weights long_short --timesteps 200 --seeds 1 --out ${FINML_CLI_OUT}/rl_other_env --overwrite)

# Financial text (issue 18): train, predict, the news factor into a backtest; bad text files name
# the cell and the fix.
add_test(NAME cli.nlp_factor_backtest
         COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/nlp_factor_backtest.sh $<TARGET_FILE:finml>
                 ${FINML_CLI_OUT}/nlp_factor WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME cli.nlp_members_predict
         COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/nlp_members_predict.sh $<TARGET_FILE:finml>
                 ${FINML_CLI_OUT}/nlp_members WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
finml_cli_test(nlp_train_cv 0 "^tfidf_logistic: accuracy 0\\.[78].*3-fold stratified cross-validation" --
               $<TARGET_FILE:finml> nlp train --data examples/data/phrasebank_train.csv --text sentence
               --folds 3 --final-fit false --out ${FINML_CLI_OUT}/nlp_cv --overwrite)
finml_cli_test(nlp_copies_without_teacher 2 "distill_copies': the teacher's copies need a teacher .fix: --distill 0\\.5, or no --distill-copies" --
               $<TARGET_FILE:finml> nlp train --data examples/data/phrasebank_train.csv --model transformer
               --distill-copies 2 --out ${FINML_CLI_OUT}/nlp_copies --overwrite)
finml_cli_test(nlp_refit_tfidf 2 "refit': tfidf_logistic has no epochs to choose: it always fits every text .fix: no --refit" --
               $<TARGET_FILE:finml> nlp train --data examples/data/phrasebank_train.csv --refit true
               --out ${FINML_CLI_OUT}/nlp_refit --overwrite)
finml_cli_test(nlp_blend_tfidf 2 "blend': tfidf_logistic blended with itself is itself .fix: --model transformer, or no --blend" --
               $<TARGET_FILE:finml> nlp train --data examples/data/phrasebank_train.csv --blend 0.5
               --out ${FINML_CLI_OUT}/nlp_blend --overwrite)
finml_cli_test(nlp_invalid_utf8 2 "nlp_latin1\\.csv:2:1: invalid UTF-8 at byte 22 of the text, counting from 1 .fix: re-encode the file as UTF-8" --
               $<TARGET_FILE:finml> nlp train --data tests/cli/fixtures/nlp_latin1.csv --text sentence
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(nlp_unknown_model 2 "unknown text model 'bert'.*valid: tfidf_logistic, embedding_mlp, bilstm, transformer" --
               $<TARGET_FILE:finml> nlp train --data examples/data/phrasebank_train.csv --model bert
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(nlp_missing_column 2 "no column 'body' .columns: sentence, label. fix: --text" --
               $<TARGET_FILE:finml> nlp train --data examples/data/phrasebank_train.csv --text body
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(nlp_experiment_print_config 0 "\"half_life\": 3" --
               $<TARGET_FILE:finml> run examples/phrasebank_sentiment.yaml --print-config)
finml_cli_test(nlp_experiment_runs 0 "^sentiment factor: 240 news items, 8 symbols" --
               $<TARGET_FILE:finml> run examples/phrasebank_sentiment.yaml --set nlp.folds=2
               --out ${FINML_CLI_OUT}/nlp_experiment --overwrite)
finml_cli_test(nlp_pretrain_experiment 0 "^pretrained on 360 texts .40 held out., vocabulary" --
               $<TARGET_FILE:finml> run tests/cli/fixtures/nlp_pretrain.yaml
               --out ${FINML_CLI_OUT}/nlp_pretrain --overwrite)

# Synthetic data (issue 19).
add_test(NAME cli.synth_round_trip
         COMMAND ${CMAKE_SOURCE_DIR}/tests/cli/synth_round_trip.sh $<TARGET_FILE:finml>
                 ${FINML_CLI_OUT}/synth WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
finml_cli_test(synth_experiment 0 "^garch: fitted to 8609 log returns.*\nbootstrap: fitted" --
               $<TARGET_FILE:finml> run tests/cli/fixtures/synth_small.yaml
               --out ${FINML_CLI_OUT}/synth_experiment --overwrite)
finml_cli_test(synth_experiment_print_config 0 "\"critic_steps\": 5" --
               $<TARGET_FILE:finml> run examples/synth_djia.yaml --print-config)
finml_cli_test(synth_unknown_model 2 "unknown synthetic-data model 'wgan'.*valid: quantgan, garch, bootstrap, ctgan" --
               $<TARGET_FILE:finml> synth train --data data/aer_djia8012.csv --model wgan
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(synth_bad_paths 2 "synth_bad_paths\\.csv:3:3: 'oops' is not a finite number .fix: a log return" --
               $<TARGET_FILE:finml> synth evaluate --real data/aer_djia8012.csv
               --synthetic tests/cli/fixtures/synth_bad_paths.csv --out ${FINML_CLI_OUT}/never)
finml_cli_test(synth_not_a_model 2 "fixtures: no model.json there .fix: a directory from finml synth train" --
               $<TARGET_FILE:finml> synth sample --model tests/cli/fixtures --out ${FINML_CLI_OUT}/never.csv)
finml_cli_test(synth_ctgan_pac 2 "the batch must be a multiple of pac" --
               $<TARGET_FILE:finml> synth train --data data/german_credit.csv --model ctgan --batch 50
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(synth_unknown_categorical 2 "no column 'NoSuch'" --
               $<TARGET_FILE:finml> synth train --data data/german_credit.csv --model copula
               --categorical Telephone,NoSuch --out ${FINML_CLI_OUT}/never)

# Anomaly detection (issue 20).
finml_cli_test(anomaly_fit_flags_nothing 0 "warning: mcd flags none of the 105 validation rows.*precision is undefined" --
               $<TARGET_FILE:finml> anomaly fit --data data/odds_ionosphere.csv --label label
               --detectors mcd --contamination 0.1 --out ${FINML_CLI_OUT}/anomaly_flags_nothing --overwrite)
finml_cli_test(anomaly_benchmark 0 "hbos +0\\.[0-9]+ .*0\\.7000\n.*avg_rank" --
               $<TARGET_FILE:finml> anomaly benchmark --data data/odds_pima.csv --splits 2
               --reference data/pyod_benchmark_roc.csv --out ${FINML_CLI_OUT}/anomaly_benchmark
               --overwrite)
# Which detector gives each max ensemble's alarms, shares that add up to 100%.
finml_cli_test(anomaly_benchmark_max_sources 0 "max_robust_z's top tenth of test scores came from: lof 25%, mcd 75%\nmax_z's top tenth of test scores came from: lof 43%, mcd 57%" --
               $<TARGET_FILE:finml> anomaly benchmark --data data/odds_pima.csv --detectors mcd,lof
               --splits 3 --out ${FINML_CLI_OUT}/anomaly_benchmark_max_sources --overwrite)
finml_cli_test(anomaly_unknown_detector 2 "unknown anomaly detector 'ocsvm'.*valid: hbos, ecod" --
               $<TARGET_FILE:finml> anomaly benchmark --data data/odds_pima.csv --detectors ocsvm
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(anomaly_unknown_label 2 "no column 'class'" --
               $<TARGET_FILE:finml> anomaly benchmark --data data/odds_pima.csv --label class
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(anomaly_unknown_reference_row 2 "no row 'german' in its Data column" --
               $<TARGET_FILE:finml> anomaly benchmark --data data/odds_pima.csv --splits 1
               --reference data/pyod_benchmark_roc.csv --reference-name german
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(anomaly_fit 0 "iforest +0\\.[0-9]+ +0\\.[0-9]+.*\nhbos" --
               $<TARGET_FILE:finml> anomaly fit --data data/odds_cardio.csv --label label
               --detectors iforest,hbos --contamination 0.1 --out ${FINML_CLI_OUT}/anomaly_fit
               --overwrite)
finml_cli_test(anomaly_score_wrong_columns 2 "odds_pima.csv: no column 'feature_8'" --
               $<TARGET_FILE:finml> anomaly score --model tests/cli/fixtures/anomaly_model
               --input data/odds_pima.csv --out ${FINML_CLI_OUT}/never.csv)
finml_cli_test(anomaly_score_not_a_model 2 "no model.json there .fix: a directory from finml anomaly fit" --
               $<TARGET_FILE:finml> anomaly score --model tests/cli/fixtures --input data/odds_pima.csv
               --out ${FINML_CLI_OUT}/never.csv)
finml_cli_test(anomaly_rule_top_k_needs_time 2 "--rule top_k flags the highest scores of each period .fix: --time COLUMN" --
               $<TARGET_FILE:finml> anomaly fit --data data/odds_pima.csv --rule top_k
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(anomaly_update_refuses_iforest 2 "iforest cannot learn from new records incrementally" --
               $<TARGET_FILE:finml> anomaly update --model ${FINML_CLI_OUT}/anomaly_fit
               --input data/odds_cardio.csv --out ${FINML_CLI_OUT}/never)
set_tests_properties(cli.anomaly_update_refuses_iforest PROPERTIES DEPENDS cli.anomaly_fit)
finml_cli_test(anomaly_fit_update_score 0 "learned 1831 records.*\n.*ecod +threshold.*\n.*wrote 1831 scored rows" --
               bash -c "$<TARGET_FILE:finml> anomaly fit --data data/odds_cardio.csv --detectors ecod,hbos --out ${FINML_CLI_OUT}/anomaly_stream --overwrite && $<TARGET_FILE:finml> anomaly update --model ${FINML_CLI_OUT}/anomaly_stream --input data/odds_cardio.csv --out ${FINML_CLI_OUT}/anomaly_stream && $<TARGET_FILE:finml> anomaly score --model ${FINML_CLI_OUT}/anomaly_stream --input data/odds_cardio.csv --out ${FINML_CLI_OUT}/anomaly_stream_scores.csv")
finml_cli_test(examples_anomaly_cardio 0 "pca .*\n.*knn.*\n.*lof.*\n.*metrics: " --
               $<TARGET_FILE:finml> run examples/anomaly_cardio.yaml --out ${FINML_CLI_OUT}/anomaly_cardio
               --overwrite)

# Supervised fraud (issue 20).
finml_cli_test(fraud_generate_is_the_shipped_file 0 "wrote 13880 synthetic transactions, 157 of them fraud.*\n.*account_takeover +45" --
               bash -c "$<TARGET_FILE:finml> fraud generate --cards 150 --days 60 --fraud-cards 0.2 --out ${FINML_CLI_OUT}/transactions.csv && cmp ${FINML_CLI_OUT}/transactions.csv data/transactions_synthetic.csv")
finml_cli_test(examples_fraud_synthetic 0 "test rows: 2776 transactions.*\n.*\ngbdt +0\\.[0-9]+ .*\nlogistic .*\niforest .*\ncombined .*\n.*metrics: " --
               $<TARGET_FILE:finml> run examples/fraud_synthetic.yaml --out ${FINML_CLI_OUT}/fraud
               --overwrite)
finml_cli_test(fraud_score 0 "wrote 13880 scored rows" --
               $<TARGET_FILE:finml> fraud score --model ${FINML_CLI_OUT}/fraud --input data/transactions_synthetic.csv
               --out ${FINML_CLI_OUT}/fraud_scores.csv)
set_tests_properties(cli.fraud_score PROPERTIES DEPENDS cli.examples_fraud_synthetic)
finml_cli_test(fraud_label_leak 2 "column 'pattern' separates the training frauds perfectly.*fix: --exclude pattern or, if it names the fraud type, --pattern pattern" --
               $<TARGET_FILE:finml> fraud train --data data/transactions_synthetic.csv --label is_fraud
               --time time --entity card --amount amount --out ${FINML_CLI_OUT}/never)
finml_cli_test(fraud_bad_window 2 "--windows '1x': not a window" --
               $<TARGET_FILE:finml> fraud train --data data/transactions_synthetic.csv --label is_fraud
               --time time --windows 1h,1x --out ${FINML_CLI_OUT}/never)
finml_cli_test(fraud_warns_of_an_id 0 "warning: column 'transaction_id' rises with every row, like an id or a time.*fix: --exclude transaction_id" --
               $<TARGET_FILE:finml> fraud train --data data/transactions_synthetic.csv --label is_fraud
               --time time --entity card --amount amount --pattern pattern --models logistic
               --out ${FINML_CLI_OUT}/fraud_with_id --overwrite)
finml_cli_test(fraud_score_keys 0 "^row,time,card,gbdt_score,gbdt_flag,gbdt_top_features" --
               head -n 1 ${FINML_CLI_OUT}/fraud_scores.csv)
set_tests_properties(cli.fraud_score_keys PROPERTIES DEPENDS cli.fraud_score)
finml_cli_test(fraud_same_window_twice 2 "--windows: '1h' and '60m' are the same window" --
               $<TARGET_FILE:finml> fraud train --data data/transactions_synthetic.csv --label is_fraud
               --time time --entity card --windows 1h,60m --out ${FINML_CLI_OUT}/never)
finml_cli_test(fraud_score_not_a_model 2 "no model.json there .fix: a directory from finml fraud train" --
               $<TARGET_FILE:finml> fraud score --model tests/cli/fixtures --input data/transactions_synthetic.csv
               --out ${FINML_CLI_OUT}/never.csv)

# Launching ranks (issue 21): torchrun's environment, a failed rank stops the others. (No
# semicolons in these commands: CMake would split the argument there. Rank 1 waits a second
# before failing so rank 0's shell has set its trap: CI lost that race once.)
finml_cli_test(launch_environment 0 "rank=1 world=2 local=1 of 2 master=127.0.0.1:29511" --
               $<TARGET_FILE:finml> launch --nproc 2 --master 127.0.0.1:29511 --
               bash -c "echo rank=$RANK world=$WORLD_SIZE local=$LOCAL_RANK of $LOCAL_WORLD_SIZE master=$MASTER_ADDR:$MASTER_PORT")
finml_cli_test(launch_second_node 0 "rank=3 world=4 group=1" --
               $<TARGET_FILE:finml> launch --nproc 2 --nnodes 2 --node-rank 1 --
               bash -c "[ $LOCAL_RANK = 0 ] || echo rank=$RANK world=$WORLD_SIZE group=$GROUP_RANK")
finml_cli_test(launch_failed_rank_stops_the_others 1 "rank 1 exited with code 3, the first to fail.*rank 0 was killed by signal 15" --
               $<TARGET_FILE:finml> launch --nproc 2 --
               bash -c "[ $RANK = 1 ] && exit 3 || exec sleep 60")
finml_cli_test(launch_bad_master 2 "--master 'nohost': not ADDR:PORT" --
               $<TARGET_FILE:finml> launch --nproc 2 --master nohost -- true)
finml_cli_test(launch_node_rank_range 2 "node_rank.*must be below --nnodes" --
               $<TARGET_FILE:finml> launch --nproc 2 --nnodes 2 --node-rank 2 -- true)
finml_cli_test(launch_missing_command 2 "cannot run 'no-such-command-xyz'" --
               $<TARGET_FILE:finml> launch --nproc 2 -- no-such-command-xyz)
finml_cli_test(launch_kills_a_rank_that_ignores_term 1 "rank 1 exited with code 3, the first to fail.*rank 0 was killed by signal 9" --
               $<TARGET_FILE:finml> launch --nproc 2 --grace 0.3 --
               bash -c "[ $RANK = 1 ] && sleep 1 && exit 3 || trap '' TERM && exec sleep 60")
# inspect says what looks wrong in the values: a price that jumps and comes back, a stuck price.
finml_cli_test(inspect_bad_tick 0 "bad_tick 2024-02-27: suspected bad tick: 87.91 -> 98.46 -> 89.58" --
               $<TARGET_FILE:finml> inspect --input tests/cli/fixtures/bad_tick.csv)
finml_cli_test(inspect_stuck_price 0 "bad_tick 2024-03-25: the same price 87.91 on 7 bars in a row" --
               $<TARGET_FILE:finml> inspect --input tests/cli/fixtures/bad_tick.csv)
finml_cli_test(inspect_json 0 "\"date\": \"2024-02-27\"" --
               $<TARGET_FILE:finml> inspect --input tests/cli/fixtures/bad_tick.csv --json)
# A misspelt command names the nearest one.
finml_cli_test(command_misspelt 2 "finml: unknown command 'riks': did you mean 'risk'\\?" --
               $<TARGET_FILE:finml> riks var --returns data/dem2gbp.csv)
finml_cli_test(subcommand_misspelt 2 "finml risk: unknown command 'vra': did you mean 'var'\\?" --
               $<TARGET_FILE:finml> risk vra --returns data/dem2gbp.csv)
# An included indicator the set already has would be one input twice.
finml_cli_test(features_include_in_set 2 "--include: 'rsi_14' is already a column of the feature set 'all'" --
               $<TARGET_FILE:finml> features --input data/msft_ohlcv.csv --include rsi_14 --out ${FINML_CLI_OUT}/never.csv)
finml_cli_test(features_include_twice 2 "--include: 'sma_7' is included twice" --
               $<TARGET_FILE:finml> features --input data/msft_ohlcv.csv --include sma_7,sma_7 --out ${FINML_CLI_OUT}/never.csv)
# What finml predict writes, finml backtest trades.
finml_cli_test(predict_then_backtest 0 "tearsheet.html" --
               /bin/sh -c "$<TARGET_FILE:finml> run examples/msft_dates.yaml --out ${FINML_CLI_OUT}/predict_bt --overwrite >/dev/null 2>&1 && $<TARGET_FILE:finml> predict --model ${FINML_CLI_OUT}/predict_bt/models/ridge --input data/msft_ohlcv.csv --out ${FINML_CLI_OUT}/predict_bt/p.csv && $<TARGET_FILE:finml> backtest --signals ${FINML_CLI_OUT}/predict_bt/p.csv --prices data/msft_ohlcv.csv --out ${FINML_CLI_OUT}/predict_bt/bt --overwrite")
# --column names a column: an unknown one is reported as a column, with the file's columns.
finml_cli_test(risk_column_unknown_ohlcv 2 "--column Adj: no such column \\(the columns are Date, Open, High, Low, Close, Volume\\).*Adj Close" --
               $<TARGET_FILE:finml> risk var --prices data/msft_ohlcv.csv --column Adj --out ${FINML_CLI_OUT}/never)
finml_cli_test(risk_column_unknown 2 "--column Close: no such column \\(the columns are Date, DJIA\\).*value columns: DJIA" --
               $<TARGET_FILE:finml> risk var --prices data/aer_djia8012.csv --column Close --out ${FINML_CLI_OUT}/never)
# Prices given as returns: the command runs, and says the values cannot be returns.
finml_cli_test(risk_returns_all_positive 0 "warning: .*all [0-9]+ values of 'DJIA' are positive, which returns are not" --
               $<TARGET_FILE:finml> risk var --returns data/aer_djia8012.csv --method historical --out ${FINML_CLI_OUT}/var_prices --overwrite)
# A top-k that reaches the number of assets would be equal weight: the better half is held.
finml_cli_test(rl_top_k_reaching_all 0 "ridge_top1 +Sharpe" --
               $<TARGET_FILE:finml> rl train --prices data/dowjones30.csv --symbols AA,GE,KO --agent ppo
               --timesteps 200 --seeds 1 --threads 1 --out ${FINML_CLI_OUT}/rl_top_k --overwrite)
# --print-config still prints with a data file that is not there, and says it would not run.
finml_cli_test(print_config_missing_data 0 "warning: .*nothere\\.csv" --
               $<TARGET_FILE:finml> run examples/msft_dates.yaml --set data.path=nothere.csv --print-config)
# A validation backtest stops where the validation outcomes end, not at the data's end.
finml_cli_test(backtest_split_val_ends_with_it 0 "--split val: the backtest ends on 2001-0[0-9]-[0-9]+, one bar after the split's last outcome" --
               /bin/sh -c "$<TARGET_FILE:finml> run examples/msft_dates.yaml --out ${FINML_CLI_OUT}/split_val --overwrite >/dev/null 2>&1 && $<TARGET_FILE:finml> backtest --signals ${FINML_CLI_OUT}/split_val --model ridge --split val --out ${FINML_CLI_OUT}/split_val_bt --overwrite")
# A target name far from every column gets the columns, not a misleading guess.
finml_cli_test(credit_target_far 2 "no target column 'Default' \\(columns: Duration, Amount" --
               $<TARGET_FILE:finml> credit train --data data/german_credit.csv --target Default --out ${FINML_CLI_OUT}/never)
# A strategy that never trades has no Sharpe ratio: the terminal says n/a, as the tearsheet does.
finml_cli_test(backtest_flat_sharpe_na 0 "threshold 2000-09-28 .. 2001-09-27: total return 0.00%, annual 0.00%, Sharpe n/a" --
               /bin/sh -c "printf 'date,score\\n2000-09-28,-1\\n' > ${FINML_CLI_OUT}/flat_signal.csv && $<TARGET_FILE:finml> backtest --prices data/msft_ohlcv.csv --signals ${FINML_CLI_OUT}/flat_signal.csv --out ${FINML_CLI_OUT}/flat_bt --overwrite")
