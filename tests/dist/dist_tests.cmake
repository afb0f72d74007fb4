# Distributed runs on loopback (issue 21): the torch tests that need a world under finml launch,
# faults with ranks started by hand (tests/dist/two_ranks.sh), and `finml dist check`. Each test
# has its own port so ctest -j may run them together.
set(FINML_TWO_RANKS ${CMAKE_SOURCE_DIR}/tests/dist/two_ranks.sh)

add_test(NAME dist.collectives_and_data_parallel
         COMMAND $<TARGET_FILE:finml> launch --nproc 2 --master 127.0.0.1:29611 --
                 $<TARGET_FILE:finml_torch_tests> --gtest_filter=Ranks.*)
# Rank 1 keeps away from the collective for 8 s; rank 0 gives up after 3 s and names it.
add_test(NAME dist.hung_rank_is_named
         COMMAND ${FINML_TWO_RANKS} 29612 "FINML_DIST_TIMEOUT=3" "FINML_DIST_TIMEOUT=3" --
                 $<TARGET_FILE:finml_torch_tests> --gtest_filter=RankFaults.AHungRankIsNamed)
# Rank 1 exits with 3 (the script's exit); rank 0's test checks its error names rank 1.
finml_cli_test(dist_dead_rank_is_named 3 "\\[rank 0\\] \\[       OK \\] RankFaults.ADeadRankIsNamed" --
               ${FINML_TWO_RANKS} 29613 "FINML_DIST_JOIN_TIMEOUT=20" "FINML_DIST_JOIN_TIMEOUT=20" --
               $<TARGET_FILE:finml_torch_tests> --gtest_filter=RankFaults.ADeadRankIsNamed)
finml_cli_test(dist_check 0 "2 ranks joined at 127.0.0.1:29614. all-gather correct. all-reduce sums exact" --
               $<TARGET_FILE:finml> launch --nproc 2 --master 127.0.0.1:29614 --
               $<TARGET_FILE:finml> dist check --bytes 8,80000 --rounds 3)
finml_cli_test(dist_check_alone 0 "1 ranks joined" --
               $<TARGET_FILE:finml> dist check --bytes 8 --rounds 1)
finml_cli_test(dist_unreachable_master 2 "rank 1 cannot reach the master at 127.0.0.1:29615 within 1 s" --
               env RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29615 FINML_DIST_JOIN_TIMEOUT=1
               $<TARGET_FILE:finml> dist check)
finml_cli_test(dist_rank_not_below_world 2 "RANK=2 is not below WORLD_SIZE=2" --
               env RANK=2 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29616
               $<TARGET_FILE:finml> dist check)
finml_cli_test(dist_world_sizes_differ 2 "has WORLD_SIZE=3 but another rank has 2|has WORLD_SIZE=2 but another rank has 3" --
               ${FINML_TWO_RANKS} 29617 "FINML_DIST_JOIN_TIMEOUT=2" "WORLD_SIZE=3 FINML_DIST_JOIN_TIMEOUT=2" --
               $<TARGET_FILE:finml> dist check --rounds 1)
finml_cli_test(dist_too_few_ranks 2 "only 1 of WORLD_SIZE=2 ranks joined within 1 s" --
               env RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29618 FINML_DIST_JOIN_TIMEOUT=1
               $<TARGET_FILE:finml> dist check)
finml_cli_test(dist_serial_equals_launch 0 "same results serial, on 2 ranks .tasks and data. and resumed from [1-9]" --
               ${CMAKE_SOURCE_DIR}/tests/dist/serial_equals_launch.sh $<TARGET_FILE:finml>
               tests/dist/fixtures/walk_forward_small.yaml ${FINML_CLI_OUT}/dist_walk_forward 29620)
finml_cli_test(dist_tasks_equal_launch 0 "search .[0-9]+ trials., Monte Carlo VaR and credit CV identical on 2 ranks" --
               ${CMAKE_SOURCE_DIR}/tests/dist/tasks_equal_launch.sh $<TARGET_FILE:finml>
               tests/dist/fixtures/search_small.yaml data/dem2gbp.csv ${FINML_CLI_OUT}/dist_tasks 29622)
# A search's mistakes are named before anything trains.
finml_cli_test(search_unknown_model 2 "search.model: no model named 'nosuch' in models" --
               $<TARGET_FILE:finml> run tests/dist/fixtures/search_small.yaml --set search.model=nosuch
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(search_grid_with_range 2 "search.params.lr: grid search takes lists of values" --
               $<TARGET_FILE:finml> run tests/dist/fixtures/search_small.yaml --set search.method=grid
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(search_halving_needs_epochs 2 "search.method: halving spends epochs, and model 'ridge'" --
               $<TARGET_FILE:finml> run tests/dist/fixtures/search_small.yaml --set search.model=ridge
               --out ${FINML_CLI_OUT}/never)
# Halving with an eta near 1 still drops a candidate and adds an epoch every round, so it ends.
finml_cli_test(search_halving_small_eta_ends 0 "report: " --
               $<TARGET_FILE:finml> run tests/dist/fixtures/search_small.yaml --set search.eta=1.1
               --out ${FINML_CLI_OUT}/search_small_eta --overwrite)
finml_cli_test(search_param_misspelt 2 "search.params.hiden: model 'lstm' has no parameter 'hiden'. did you mean 'hidden'\\?" --
               $<TARGET_FILE:finml> run tests/dist/fixtures/search_small.yaml --set "search.params.hiden=[4,8]"
               --out ${FINML_CLI_OUT}/never)
finml_cli_test(search_candidate_out_of_range 2 "the search candidate hidden=0: search.params.hidden: 'search.params.hidden' is 0. it must be in \\[1, 65536\\]" --
               $<TARGET_FILE:finml> run tests/dist/fixtures/search_small.yaml --set "search.params.hidden=[0,8]"
               --out ${FINML_CLI_OUT}/never)
