#include "postgres_session.h"

#ifdef SLUICE_HAVE_POSTGRES

#include <pqxx/pqxx>

#include <unordered_map>

namespace sluice::store::internal {

namespace {

// libpq numbers its placeholders; the store writes `?` (outside string literals).
std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char ch : sql) {
    if (ch == '\'') quoted = !quoted;
    if (ch == '?' && !quoted) {
      out.push_back('$');
      out += std::to_string(++n);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

Status FromSqlState(const std::string& state, const std::string& what, const std::string& where) {
  std::string msg = what + " (SQLSTATE " + state + ")" + where;
  std::string cls = state.substr(0, 2);
  if (cls == "08") return Status::Transient("lost the connection to PostgreSQL: " + msg);
  if (state == "40001" || state == "40P01") return Status::Transient("concurrent transactions conflicted: " + msg);
  if (state == "53100") return Status::Transient("PostgreSQL's disk is full: " + msg);
  if (cls == "53") return Status::Transient("PostgreSQL is out of resources: " + msg);
  if (state == "25006") return Status::Transient("the database is read-only: " + msg);
  if (cls == "57" || cls == "58" || cls == "55" || cls == "XX") return Status::Transient(msg);
  if (cls == "22" || cls == "54") return Status::Permanent("PostgreSQL refused a value: " + msg);
  if (cls == "42") return Status::InvalidArgument("SQL error: " + msg);
  return Status::Transient(msg);
}

class PostgresSession final : public SqlSession {
 public:
  explicit PostgresSession(std::string dsn) : dsn_(std::move(dsn)) {}
  ~PostgresSession() override {
    try {
      txn_.reset();
      conn_.reset();
    } catch (...) {
    }
  }

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return RedactDsn(dsn_); }

  Status Connect() {
    try {
      txn_.reset();
      conn_.reset();
      prepared_.clear();
      conn_ = std::make_unique<pqxx::connection>(dsn_);
      pqxx::nontransaction t(*conn_);
      t.exec("SET client_encoding = 'UTF8'");
      return Status::OK();
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      return Status::Transient("cannot connect to PostgreSQL at " + Describe() + ": " + Trim(e.what()));
    } catch (const std::exception& e) {
      conn_.reset();
      return Status::InvalidArgument("cannot connect to PostgreSQL at " + Describe() + ": " + Trim(e.what()));
    }
  }

  Status Exec(std::string_view sql, std::span<const SqlParam> params, std::vector<SqlRow>* rows) override {
    return Run(sql, params, rows, /*prepare=*/true);
  }
  Status ExecPlanned(std::string_view sql, std::span<const SqlParam> params, std::vector<SqlRow>* rows) override {
    return Run(sql, params, rows, /*prepare=*/false);
  }

  Status Run(std::string_view sql, std::span<const SqlParam> params, std::vector<SqlRow>* rows, bool prepare) {
    if (!conn_ || !conn_->is_open()) {
      if (txn_) return Status::Transient("lost the connection to PostgreSQL at " + Describe());
      SLUICE_RETURN_IF_ERROR(Connect());
    }
    return Guard([&]() -> Status {
      std::vector<std::string> texts(params.size());
      std::vector<const char*> values(params.size(), nullptr);
      for (size_t i = 0; i < params.size(); ++i) {
        const SqlParam& p = params[i];
        switch (p.type) {
          case SqlParam::Type::kNull:
            break;
          case SqlParam::Type::kInt:
            texts[i] = std::to_string(p.i);
            values[i] = texts[i].c_str();
            break;
          case SqlParam::Type::kReal:
            texts[i] = std::to_string(p.d);
            values[i] = texts[i].c_str();
            break;
          case SqlParam::Type::kText:
          case SqlParam::Type::kBlob:
            texts[i] = std::string(p.s);
            values[i] = texts[i].c_str();
            break;
        }
      }
      pqxx::result r;
      std::unique_ptr<pqxx::nontransaction> own;
      pqxx::transaction_base* t = txn_.get();
      if (!t) {
        own = std::make_unique<pqxx::nontransaction>(*conn_);
        t = own.get();
      }
      if (prepare) {
        r = t->exec_prepared(Prepared(sql), pqxx::prepare::make_dynamic_params(values));
      } else {
        r = t->exec_params(NumberPlaceholders(sql), pqxx::prepare::make_dynamic_params(values));
      }
      if (rows) {
        for (const auto& row : r) {
          SqlRow out(row.size());
          for (size_t c = 0; c < row.size(); ++c) {
            const pqxx::field f = row[static_cast<pqxx::row::size_type>(c)];
            if (f.is_null()) continue;
            out[c].kind = SqlValue::Kind::kText;
            out[c].s.assign(f.c_str(), f.size());
          }
          rows->push_back(std::move(out));
        }
      }
      return Status::OK();
    });
  }

  Status ExecScript(std::string_view sql) override {
    if (!conn_ || !conn_->is_open()) SLUICE_RETURN_IF_ERROR(Connect());
    return Guard([&]() -> Status {
      if (txn_) {
        txn_->exec(std::string(sql));
      } else {
        pqxx::nontransaction t(*conn_);
        t.exec(std::string(sql));
      }
      return Status::OK();
    });
  }

  Status Begin() override {
    if (!conn_ || !conn_->is_open()) SLUICE_RETURN_IF_ERROR(Connect());
    return Guard([&]() -> Status {
      txn_ = std::make_unique<pqxx::work>(*conn_);
      return Status::OK();
    });
  }

  Status Commit() override {
    if (!txn_) return Status::OK();
    Status st = Guard([&]() -> Status {
      txn_->commit();
      return Status::OK();
    });
    txn_.reset();
    return st;
  }

  void Rollback() override {
    try {
      if (txn_) txn_->abort();
    } catch (...) {
    }
    txn_.reset();
  }

  bool InTransaction() const override { return txn_ != nullptr; }

 private:
  static std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  const std::string& Prepared(std::string_view sql) {
    auto it = prepared_.find(std::string(sql));
    if (it != prepared_.end()) return it->second;
    std::string name = std::to_string(prepared_.size() + 1);
    name.insert(name.begin(), 's');
    conn_->prepare(name, NumberPlaceholders(sql));
    return prepared_.emplace(std::string(sql), std::move(name)).first->second;
  }

  // Runs `fn`, turning libpqxx's exceptions into Status. A failed statement leaves a PostgreSQL
  // transaction aborted; the caller rolls it back.
  template <class F>
  Status Guard(F&& fn) {
    std::string where = " [" + Describe() + "]";
    try {
      return fn();
    } catch (const pqxx::in_doubt_error& e) {
      conn_.reset();
      return Status::Transient("lost the connection while committing (the batch may or may not be stored; "
                               "redelivery is harmless): " + Trim(e.what()) + where);
    } catch (const pqxx::broken_connection& e) {
      txn_.reset();
      conn_.reset();
      return Status::Transient("lost the connection to PostgreSQL: " + Trim(e.what()) + where);
    } catch (const pqxx::sql_error& e) {
      return FromSqlState(e.sqlstate(), Trim(e.what()), where);
    } catch (const std::exception& e) {
      return Status::Transient("PostgreSQL: " + Trim(e.what()) + where);
    }
  }

  std::string dsn_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> txn_;
  std::unordered_map<std::string, std::string> prepared_;
};

}  // namespace

bool PostgresAvailable() { return true; }

// libpq waits for an unreachable server as long as TCP does (minutes), and the store would block
// its runner's loop that long: bound it unless the DSN says otherwise.
std::string WithConnectTimeout(const std::string& dsn) {
  if (dsn.find("connect_timeout") != std::string::npos) return dsn;
  if (dsn.rfind("postgres://", 0) == 0 || dsn.rfind("postgresql://", 0) == 0) {
    return dsn + (dsn.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=10";
  }
  return dsn + " connect_timeout=10";
}

Status OpenPostgresSession(const StoreOptions& options, std::unique_ptr<SqlSession>* session) {
  if (options.dsn.empty()) return Status::InvalidArgument("no PostgreSQL connection string (dsn) given");
  auto s = std::make_unique<PostgresSession>(WithConnectTimeout(options.dsn));
  SLUICE_RETURN_IF_ERROR(s->Connect());
  *session = std::move(s);
  return Status::OK();
}

}  // namespace sluice::store::internal

#else  // !SLUICE_HAVE_POSTGRES

namespace sluice::store::internal {

bool PostgresAvailable() { return false; }

Status OpenPostgresSession(const StoreOptions&, std::unique_ptr<SqlSession>*) {
  return Status::InvalidArgument("this sluice was built without the PostgreSQL back end");
}

}  // namespace sluice::store::internal

#endif
