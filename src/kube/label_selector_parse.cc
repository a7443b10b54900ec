// LabelSelector::Parse: a lexer and recursive-descent parser for the string
// syntax, following apimachinery's labels.Parse grammar:
//
//   selector    := requirement ("," requirement)*
//   requirement := "!" KEY | KEY [ ("=" | "==" | "!=") VALUE?
//                                | ("in" | "notin") "(" VALUE? ("," VALUE?)* ")" ]
//
// "in" and "notin" are keywords where an operator may stand and plain words
// where a value may. A missing VALUE is the empty value, as in Kubernetes.
#include <cstddef>
#include <string>
#include <vector>

#include "kube/label_selector.h"

namespace drs::kube {
namespace {

using Operator = LabelSelector::Operator;
using Requirement = LabelSelector::Requirement;

enum class TokenKind {
  kIdentifier,
  kBang,
  kEquals,
  kDoubleEquals,
  kNotEquals,
  kIn,
  kNotIn,
  kOpenParen,
  kCloseParen,
  kComma,
  kUnsupported,  // '<' and '>': numeric comparisons, which we do not support
  kEnd,
};

struct Token {
  TokenKind kind;
  std::string_view text;
  std::size_t position;  // byte offset in the selector, for messages
};

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsSpecial(char c) {
  constexpr std::string_view kSpecial = "!=(),<>";
  return kSpecial.find(c) != std::string_view::npos;
}

std::vector<Token> Lex(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (true) {
    while (i < text.size() && IsWhitespace(text[i])) ++i;
    if (i == text.size()) break;
    const std::size_t start = i;
    const char c = text[i];
    TokenKind kind = TokenKind::kIdentifier;
    if (IsSpecial(c)) {
      const bool then_equals = i + 1 < text.size() && text[i + 1] == '=';
      switch (c) {
        case '!':
          kind = then_equals ? TokenKind::kNotEquals : TokenKind::kBang;
          break;
        case '=':
          kind = then_equals ? TokenKind::kDoubleEquals : TokenKind::kEquals;
          break;
        case '(':
          kind = TokenKind::kOpenParen;
          break;
        case ')':
          kind = TokenKind::kCloseParen;
          break;
        case ',':
          kind = TokenKind::kComma;
          break;
        default:
          kind = TokenKind::kUnsupported;
          break;
      }
      i += (kind == TokenKind::kNotEquals || kind == TokenKind::kDoubleEquals) ? 2 : 1;
    } else {
      while (i < text.size() && !IsWhitespace(text[i]) && !IsSpecial(text[i])) ++i;
      const std::string_view word = text.substr(start, i - start);
      if (word == "in") kind = TokenKind::kIn;
      if (word == "notin") kind = TokenKind::kNotIn;
    }
    tokens.push_back({kind, text.substr(start, i - start), start});
  }
  tokens.push_back({TokenKind::kEnd, "", text.size()});
  return tokens;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::vector<Requirement>> ParseSelector() {
    std::vector<Requirement> requirements;
    if (Peek().kind == TokenKind::kEnd) return requirements;
    while (true) {
      DRS_ASSIGN_OR_RETURN(Requirement requirement, ParseRequirement());
      requirements.push_back(std::move(requirement));
      const Token& next = Next();
      if (next.kind == TokenKind::kEnd) return requirements;
      if (next.kind != TokenKind::kComma) return Unexpected(next, "',' or the end");
    }
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  // Stays on the final kEnd token, so no input can read past the end.
  const Token& Next() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }

  static Error Unexpected(const Token& token, std::string_view wanted) {
    const std::string where =
        "\"" + std::string(token.text) + "\" at position " + std::to_string(token.position);
    if (token.kind == TokenKind::kUnsupported) {
      return InvalidError("operator " + where + " is not supported");
    }
    return InvalidError("expected " + std::string(wanted) + ", found " +
                        (token.kind == TokenKind::kEnd ? std::string("the end") : where));
  }

  // Keywords are plain words where a value is expected ("a=in" is valid).
  static bool IsWord(const Token& token) {
    return token.kind == TokenKind::kIdentifier || token.kind == TokenKind::kIn ||
           token.kind == TokenKind::kNotIn;
  }

  Result<Requirement> ParseRequirement() {
    const Token& first = Next();
    if (first.kind == TokenKind::kBang) {
      const Token& key = Next();
      if (key.kind != TokenKind::kIdentifier) return Unexpected(key, "a label key after '!'");
      return LabelSelector::MakeRequirement(std::string(key.text), Operator::kDoesNotExist, {});
    }
    if (first.kind != TokenKind::kIdentifier) return Unexpected(first, "a label key");
    std::string key(first.text);
    const TokenKind after_key = Peek().kind;
    if (after_key == TokenKind::kEnd || after_key == TokenKind::kComma) {
      return LabelSelector::MakeRequirement(std::move(key), Operator::kExists, {});
    }
    const Token& op = Next();
    switch (op.kind) {
      case TokenKind::kEquals:
      case TokenKind::kDoubleEquals:
      case TokenKind::kNotEquals: {
        std::string value;
        if (IsWord(Peek())) {
          value = std::string(Next().text);
        } else if (Peek().kind != TokenKind::kEnd && Peek().kind != TokenKind::kComma) {
          return Unexpected(Peek(), "a value after \"" + key + std::string(op.text) + "\"");
        }
        const Operator exact =
            op.kind == TokenKind::kNotEquals ? Operator::kNotEquals : Operator::kEquals;
        return LabelSelector::MakeRequirement(std::move(key), exact, {std::move(value)});
      }
      case TokenKind::kIn:
      case TokenKind::kNotIn: {
        DRS_ASSIGN_OR_RETURN(std::vector<std::string> values, ParseValueSet(key, op.text));
        const Operator set = op.kind == TokenKind::kIn ? Operator::kIn : Operator::kNotIn;
        return LabelSelector::MakeRequirement(std::move(key), set, std::move(values));
      }
      default:
        return Unexpected(op, "an operator (=, ==, !=, in, notin) after key \"" + key + "\"");
    }
  }

  // "(" VALUE? ("," VALUE?)* ")"; "()" yields no values, which the
  // requirement check then rejects.
  Result<std::vector<std::string>> ParseValueSet(const std::string& key, std::string_view op) {
    const Token& open = Next();
    if (open.kind != TokenKind::kOpenParen) {
      return Unexpected(open, "'(' after \"" + key + " " + std::string(op) + "\"");
    }
    std::vector<std::string> values;
    bool expect_value = true;  // at the start or after a comma
    bool empty_set = true;
    while (true) {
      const Token& token = Next();
      if (IsWord(token) && expect_value) {
        values.emplace_back(token.text);
        expect_value = false;
      } else if (token.kind == TokenKind::kComma) {
        if (expect_value) values.emplace_back();  // "(,x)" and "(x,,y)" hold ""
        expect_value = true;
      } else if (token.kind == TokenKind::kCloseParen) {
        if (expect_value && !empty_set) values.emplace_back();  // "(x,)"
        return values;
      } else {
        return Unexpected(token, expect_value ? "a value or ')'" : "',' or ')'");
      }
      empty_set = false;
    }
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<LabelSelector> LabelSelector::Parse(std::string_view text) {
  auto requirements = Parser(Lex(text)).ParseSelector();
  if (!requirements.ok()) {
    return InvalidError("invalid label selector \"" + std::string(text) +
                        "\": " + requirements.error().message());
  }
  return LabelSelector(std::move(requirements).value());
}

}  // namespace drs::kube
