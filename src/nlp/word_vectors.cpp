#include "finml/nlp/word_vectors.hpp"

#include <fasttext/fasttext.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "finml/core/error.hpp"

namespace finml::nlp {

namespace fs = std::filesystem;

std::vector<std::string> WordTokens(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (const char ch : text) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

const options::Schema<WordVectorSettings>& WordVectorSettings::Schema() {
  static const auto schema = [] {
    using W = WordVectorSettings;
    options::Schema<W> s;
    s.Add("dim", &W::dim, "vector size").Min(2).Max(1000);
    s.Add("epochs", &W::epochs, "passes over the corpus").Min(1).Max(1000);
    s.Add("min_count", &W::min_count, "occurrences a word needs to get its own vector").Min(1);
    s.Add("window", &W::window, "context words on each side").Min(1).Max(100);
    s.Add("buckets", &W::buckets, "hashed character n-gram vectors").Min(1).Max(10000000);
    s.Add("seed", &W::seed, "fastText's seed (one thread: reproducible)");
    return s;
  }();
  return schema;
}

WordVectors::WordVectors()
    : model_(std::make_shared<fasttext::FastText>()), mutex_(std::make_shared<std::mutex>()) {}

WordVectors WordVectors::Train(const std::vector<std::string>& texts,
                               const WordVectorSettings& settings) {
  // fastText reads its corpus from a file only.
  std::string scratch = (fs::temp_directory_path() / "finml-fasttext-XXXXXX").string();
  const int fd = ::mkstemp(scratch.data());
  if (fd < 0)
    throw IoError("cannot create a scratch file for fastText in " +
                  fs::temp_directory_path().string());
  ::close(fd);
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{scratch};
  {
    std::ofstream out(scratch, std::ios::binary);
    for (const auto& t : texts) {
      const auto words = WordTokens(t);
      for (std::size_t i = 0; i < words.size(); ++i) out << (i ? " " : "") << words[i];
      out << '\n';
    }
    if (!out) throw IoError("cannot write fastText's scratch corpus " + scratch);
  }
  fasttext::Args args;
  args.input = scratch;
  args.model = fasttext::model_name::sg;
  args.loss = fasttext::loss_name::ns;
  args.dim = settings.dim;
  args.epoch = settings.epochs;
  args.minCount = settings.min_count;
  args.ws = settings.window;
  args.bucket = settings.buckets;
  args.minn = 3;
  args.maxn = 6;
  args.thread = 1;
  args.verbose = 0;
  args.seed = static_cast<int>(settings.seed % 2147483647);
  WordVectors v;
  try {
    v.model_->train(args);
  } catch (const std::exception& e) {
    throw InvalidInput(fmt::format("training word vectors failed: {}", e.what()));
  }
  return v;
}

WordVectors WordVectors::Load(const std::string& path) {
  WordVectors v;
  FINML_REQUIRE(fs::is_regular_file(path), "{}: no word-vector file", path);
  try {
    v.model_->loadModel(path);
  } catch (const std::exception& e) {
    throw InvalidInput(fmt::format("{}: not a fastText model ({})", path, e.what()));
  }
  return v;
}

void WordVectors::Save(const std::string& path) const {
  const std::string aside = path + ".partial";
  try {
    const std::lock_guard lock(*mutex_);
    model_->saveModel(aside);
  } catch (const std::exception& e) {
    std::remove(aside.c_str());
    throw IoError(fmt::format("{}: cannot write word vectors ({})", path, e.what()));
  }
  std::error_code ec;
  fs::rename(aside, path, ec);
  if (ec) throw IoError(fmt::format("{}: cannot rename into place ({})", path, ec.message()));
}

int WordVectors::Dimension() const { return model_->getDimension(); }

std::vector<float> WordVectors::Word(std::string_view word) const {
  fasttext::Vector vec(model_->getDimension());
  model_->getWordVector(vec, std::string(word));
  return {vec.data(), vec.data() + vec.size()};
}

std::vector<float> WordVectors::Average(std::string_view text) const {
  const int dim = model_->getDimension();
  std::vector<float> sum(dim, 0.0F);
  fasttext::Vector vec(dim);
  std::size_t count = 0;
  for (const auto& w : WordTokens(text)) {
    model_->getWordVector(vec, w);
    const double norm = vec.norm();
    if (norm <= 0) continue;
    for (int d = 0; d < dim; ++d) sum[d] += static_cast<float>(vec[d] / norm);
    ++count;
  }
  if (count > 0)
    for (auto& x : sum) x /= static_cast<float>(count);
  return sum;
}

std::vector<std::pair<std::string, double>> WordVectors::Nearest(const std::string& word,
                                                                 int k) const {
  std::vector<std::pair<std::string, double>> out;
  const std::lock_guard lock(*mutex_);
  for (const auto& [score, w] :
       model_->getNN(WordTokens(word).empty() ? word : WordTokens(word)[0], k))
    out.emplace_back(w, score);
  return out;
}

std::size_t WordVectors::VocabularySize() const {
  return static_cast<std::size_t>(model_->getDictionary()->nwords());
}

}  // namespace finml::nlp
