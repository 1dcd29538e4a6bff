#!/usr/bin/python3
"""The Python anchor of the end-to-end benchmark: the same pages through python3-readability
(main text), jieba (words), scikit-learn (char 1-3-gram TF-IDF + LinearSVC on titles) and SQLite
(FTS5 over the words), in WORKERS processes so that it uses the same cores as sluice.

usage: python_pipeline.py WARC TRAIN_TSV DB [--workers N]
Prints one line: docs, seconds, docs/s. Training the classifier is not timed.
"""
import gzip, io, multiprocessing as mp, re, sqlite3, sys, time


def read_warc(path):
    """Yields (uri, html bytes) of the response records of a (gzip or plain) WARC file."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    pos = 0
    while True:
        start = data.find(b"WARC/1.1\r\n", pos)
        if start < 0:
            return
        head_end = data.find(b"\r\n\r\n", start)
        head = data[start:head_end].decode("utf-8", "replace")
        length = int(re.search(r"Content-Length: (\d+)", head).group(1))
        block = data[head_end + 4:head_end + 4 + length]
        pos = head_end + 4 + length
        if "WARC-Type: response" not in head:
            continue
        uri = re.search(r"WARC-Target-URI: (\S+)", head).group(1)
        http_end = block.find(b"\r\n\r\n")
        yield uri, block[http_end + 4:]


def init(train_path):
    global jieba, Document, clf, vec, lxml_html
    import jieba as _jieba
    from readability import Document as _Document
    from lxml import html as _lxml_html
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC
    jieba, Document, lxml_html = _jieba, _Document, _lxml_html
    jieba.initialize()
    titles, labels = [], []
    with open(train_path, encoding="utf-8") as f:
        for line in f:
            t, _, l = line.rstrip("\n").rpartition("\t")
            titles.append(t)
            labels.append(l)
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    clf = LinearSVC(C=1.0).fit(vec.fit_transform(titles), labels)


def process(item):
    uri, body = item
    try:
        html = body.decode("utf-8")
    except UnicodeDecodeError:
        html = body.decode("gb18030", "replace")
    doc = Document(html)
    title = doc.short_title()
    summary = doc.summary(html_partial=True)
    text = lxml_html.fromstring(summary).text_content() if summary.strip() else ""
    words = " ".join(jieba.lcut(text, HMM=True))
    label = clf.predict(vec.transform([title]))[0]
    return uri, title, text, words, label


def main():
    argv = sys.argv[1:]
    workers = 2
    if "--workers" in argv:
        i = argv.index("--workers")
        workers = int(argv[i + 1])
        del argv[i:i + 2]
    args = argv
    warc, train, db_path = args
    items = list(read_warc(warc))
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS docs(url TEXT PRIMARY KEY, title TEXT, text TEXT, label TEXT)")
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, words)")
    with mp.Pool(workers, initializer=init, initargs=(train,)) as pool:
        pool.map(abs, range(workers * 4))  # workers are up and trained before the clock starts
        t0 = time.time()
        n = 0
        for uri, title, text, words, label in pool.imap(process, items, chunksize=8):
            db.execute("INSERT OR REPLACE INTO docs VALUES(?,?,?,?)", (uri, title, text, label))
            db.execute("INSERT INTO fts(title, words) VALUES(?, ?)", (title, words))
            n += 1
            if n % 256 == 0:
                db.commit()
        db.commit()
        secs = time.time() - t0
    print("python pipeline: %d docs in %.1f s = %.1f docs/s (%d workers)" % (n, secs, n / secs, workers))


if __name__ == "__main__":
    main()
