# End-to-end checks of the finml binary: exit codes and the messages users read.
set(FINML_EXPECT ${CMAKE_SOURCE_DIR}/tests/cli/expect.sh)
set(FINML_CLI_OUT ${CMAKE_BINARY_DIR}/cli_out)

function(finml_cli_test name rc regex)
  add_test(NAME cli.${name} COMMAND ${FINML_EXPECT} ${rc} ${regex} ${ARGN}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endfunction()

finml_cli_test(version 0 "^0\\.1\\.0" -- $<TARGET_FILE:finml> --version)
finml_cli_test(quickstart 0 "report: .*/report.html" --quiet-stderr --
               $<TARGET_FILE:finml> run --out ${FINML_CLI_OUT}/quickstart)
finml_cli_test(print_config 0 "\"method\": \"walk_forward\"" --
               $<TARGET_FILE:finml> run examples/dow30_walk_forward.yaml --print-config)
finml_cli_test(examples_panel 0 "metrics: " --quiet-stderr --
               $<TARGET_FILE:finml> run examples/dow30_walk_forward.yaml --out ${FINML_CLI_OUT}/dow30)
finml_cli_test(examples_msft 0 "metrics: " --
               $<TARGET_FILE:finml> run examples/msft_dates.yaml --out ${FINML_CLI_OUT}/msft)
finml_cli_test(unknown_key 2 "unknown_key.yaml:4:3: unknown key 'trian' in 'split' \\(did you mean 'train'" --
               $<TARGET_FILE:finml> run tests/cli/fixtures/unknown_key.yaml)
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
               $<TARGET_FILE:finml> run examples/dow30_lstm_panel.yaml --out ${FINML_CLI_OUT}/dow30_lstm)
finml_cli_test(predict_usage 2 "--model is required|model.*required" --
               $<TARGET_FILE:finml> predict --input data/aer_djia8012.csv --out ${FINML_CLI_OUT}/p.csv)
finml_cli_test(examples_gpt 0 "metrics: " --
               $<TARGET_FILE:finml> run examples/gpt_pretrain_djia.yaml --out ${FINML_CLI_OUT}/gpt)
finml_cli_test(predict_saved 0 "wrote .*\\(8561 predictions\\)" --
               $<TARGET_FILE:finml> predict --model ${FINML_CLI_OUT}/quickstart/models/ar --input data/aer_djia8012.csv --out ${FINML_CLI_OUT}/ar_pred.csv)
set_tests_properties(cli.predict_saved PROPERTIES DEPENDS cli.quickstart)
