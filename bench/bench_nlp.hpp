// The financial-NLP speed comparison with bench/peer_nlp.py (issue 18), driven by
// bench/nlp_bench.sh. Everything runs in this process with one torch thread, on a saved
// transformer (`finml nlp train --model transformer`, a finml-nlp/1 directory) and the sentences
// of a CSV (column `sentence`):
//   finml_bench --nlp_run=MODEL_DIR --nlp_texts=CSV [--nlp_out=FILE] [--nlp_reps=R]
//               [--nlp_train=N] [--nlp_epochs=E] [--nlp_ids=FILE]
//     R repetitions (default 3; 0 skips them) of, each after one untimed warm-up:
//       - tokenizer: nlp::Tokenizer::Load(MODEL_DIR/tokenizer.model), Encode of every sentence;
//       - batch 1: SavedTextModel's Predict({sentence}) for each of the first 300 sentences;
//       - lists of 64: Predict on 64 consecutive sentences at a time, over all of them (each list
//         one batch, padded to its longest);
//       - one list: Predict(all sentences) in one call, as `finml nlp predict` does (sorted by
//         length inside, batches of 64).
//     Predict includes tokenizing, [CLS], truncation, padding, the network and the softmax.
//     Fine-tuning (E > 0, default 2 epochs, on the first N sentences, default 2000, with seeded
//     random labels in 3 classes): a fresh transformer of the saved model's settings (shape,
//     tokenizer, optimiser, seed; patience 1000 so no early stop) built by
//     nlp::MakeTextClassifier, its Fit timed whole (hold-out, SentencePiece training, encoding,
//     network construction, E epochs of Adam steps at batch 32 with clipping, a validation pass
//     per epoch, the best-weights snapshot). Tokenizer::Train on the same rows Fit trains its
//     tokenizer on is timed separately, before, so training samples/s = fit rows x E /
//     (Fit seconds - tokenizer seconds).
//   With --nlp_ids=FILE it times nothing and writes the inputs of bench/peer_nlp.py instead: FILE
//   holds the id sequences of the sentences as the saved model sees them ([CLS]=2, then the
//   SentencePiece ids, cut at max_length), one sentence per line; FILE.fit and FILE.held those of
//   the fine-tuning's rows (N and E as above) under the tokenizer Fit would train on them;
//   FILE.json the encoder shape, the labels, the training settings, and finml's probabilities
//   for the first 64 sentences (Predict in one call), which the peer's check compares with its own.
// Writes JSON to the --nlp_out file (default stdout).
#pragma once

#include <cstddef>
#include <string>

namespace finml_bench {

struct NlpOptions {
  std::string model;  // a finml-nlp/1 transformer directory
  std::string texts;  // CSV with a `sentence` column
  std::string out;    // empty: stdout
  std::string ids;    // empty: no peer inputs
  int reps = 3;
  std::size_t train = 2000;
  int epochs = 2;  // 0: no fine-tuning
};

void RunNlp(const NlpOptions& options);

}  // namespace finml_bench
