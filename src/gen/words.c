/*
 * words.c - the fixed vocabulary of the text kinds, and runs of words of
 * an exact length.
 *
 * The vocabulary has 256 words (one random byte picks one) and at least
 * one word of every length from 1 to GEN_WORD_MAX, so that any gap can be
 * closed with a word of exactly its length.  Each word sits in a 16-byte
 * slot, so copying one is a single 16-byte move.
 */
#include "config.h"
#include "gen/gen_internal.h"

#include <pthread.h>
#include <string.h>

#define NWORDS 256

static const char *const vocabulary[NWORDS] = {
    "a", "i", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me",
    "my", "no", "of", "on", "or", "so", "to", "up", "us", "we", "all", "and", "any", "are",
    "big", "but", "can", "day", "did", "end", "far", "few", "for", "get", "had", "has", "her",
    "him", "his", "how", "its", "let", "low", "man", "may", "new", "not", "now", "old", "one",
    "our", "out", "own", "put", "red", "run", "say", "see", "set", "she", "sun", "the", "too",
    "two", "use", "was", "way", "who", "why", "yes", "yet", "you", "also", "back", "been",
    "best", "both", "call", "came", "come", "data", "each", "even", "file", "find", "from",
    "give", "good", "hand", "have", "here", "high", "home", "into", "just", "keep", "kind",
    "know", "last", "left", "life", "line", "long", "look", "made", "make", "many", "more",
    "most", "much", "must", "name", "need", "next", "only", "open", "over", "part", "read",
    "same", "seem", "show", "side", "some", "such", "take", "than", "that", "them", "then",
    "they", "this", "time", "turn", "very", "want", "well", "went", "what", "when", "will",
    "with", "word", "work", "year", "about", "after", "again", "below", "block", "bytes",
    "could", "every", "first", "found", "great", "house", "large", "later", "learn", "light",
    "might", "never", "often", "order", "other", "place", "point", "right", "river", "small",
    "sound", "still", "study", "their", "there", "these", "thing", "think", "three", "under",
    "until", "water", "where", "which", "while", "world", "would", "write", "across",
    "always", "answer", "around", "before", "better", "change", "family", "follow", "number",
    "people", "should", "window", "another", "because", "between", "country", "example",
    "machine", "picture", "several", "through", "together", "mountain", "question",
    "sentence", "children", "complete", "different", "important", "something", "sometimes",
    "beginning", "direction", "everything", "experience", "government", "understand",
    "throughout", "information", "development", "performance", "environment",
    "relationship", "organization", "particularly", "neighborhood", "international",
    "communication", "understanding", "representative", "responsibility", "administration",
    "characteristic", "manufacturing", "unfortunately", "independently", "configuration",
    "significantly", "transportation", "implementation", "infrastructure",
};

/* A word with a space before it, " word", in 16 bytes: a word after the
 * first of a run is one 16-byte move; the first one starts at text + 1. */
typedef struct word_slot {
    unsigned char text[16];
    size_t letters;
} word_slot;

/* One more slot of zeros, so that reading 16 bytes from text + 1 of the
 * last word stays inside the array. */
static word_slot slots[NWORDS + 1];
/* by_length[first_of_length[n] ...]: the count_of_length[n] words of n
 * letters. */
static unsigned char by_length[NWORDS];
static unsigned first_of_length[GEN_WORD_MAX + 1];
static unsigned count_of_length[GEN_WORD_MAX + 1];
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void build_slots(void)
{
    for (unsigned i = 0; i < NWORDS; i++) {
        slots[i].letters = strlen(vocabulary[i]);
        slots[i].text[0] = ' ';
        memcpy(slots[i].text + 1, vocabulary[i], slots[i].letters);
        count_of_length[slots[i].letters]++;
    }
    unsigned next = 0;
    for (unsigned n = 1; n <= GEN_WORD_MAX; n++) {
        first_of_length[n] = next;
        for (unsigned i = 0; i < NWORDS; i++)
            if (slots[i].letters == n)
                by_length[next++] = (unsigned char)i;
    }
}

void gen_words_init(void)
{
    pthread_once(&slots_once, build_slots);
}

const unsigned char *gen_word(uint64_t r, size_t *len)
{
    const word_slot *slot = &slots[r & (NWORDS - 1)];
    *len = slot->letters;
    return slot->text + 1;
}

/* A word of exactly n letters (1 <= n <= GEN_WORD_MAX). */
static const word_slot *word_of_length(size_t n, uint64_t r)
{
    return &slots[by_length[first_of_length[n] + gen_below(r, count_of_length[n])]];
}

/* The random bytes that pick words, eight from each random number. */
typedef struct word_picker {
    gen_rng *rng;
    uint64_t bits;
    unsigned left;
} word_picker;

/*
 * Writes the next word of a run at dst + pos, with its space unless skip
 * (the run's first word), and returns the new pos.  Invariant: the word
 * has room for its space and at least one letter.  A word is taken only if
 * a space and a one-letter word still fit after it; the run is closed with
 * a word of exactly the letters left, or, when that is one more than the
 * longest word, a word two letters shorter leaves room for a space and
 * one letter.
 */
static inline size_t put_next_word(word_picker *picker, unsigned char *dst, size_t pos,
                                   size_t len, size_t skip, bool slack)
{
    if (picker->left == 0) {
        picker->bits = gen_rng_next(picker->rng);
        picker->left = 8;
    }
    const word_slot *word = &slots[picker->bits & (NWORDS - 1)];
    picker->bits >>= 8;
    picker->left--;
    size_t room = len - pos;
    if (word->letters + 1 - skip + 2 > room) {
        size_t letters = room - (1 - skip);
        word = word_of_length(letters <= GEN_WORD_MAX ? letters : letters - 2,
                              gen_rng_next(picker->rng));
    }
    if (slack)
        memcpy(dst + pos, word->text + skip, 16); /* one 16-byte move */
    else
        memcpy(dst + pos, word->text + skip, word->letters + 1 - skip);
    return pos + word->letters + 1 - skip;
}

/* The loop, specialized by the compiler for each value of slack. */
static inline void put_words(gen_rng *rng, unsigned char *dst, size_t len, bool slack)
{
    if (len == 0)
        return;
    word_picker picker = {rng, 0, 0};
    size_t pos = put_next_word(&picker, dst, 0, len, 1, slack);
    while (pos < len)
        pos = put_next_word(&picker, dst, pos, len, 0, slack);
}

void gen_words(gen_rng *rng, unsigned char *dst, size_t len, bool slack)
{
    if (slack)
        put_words(rng, dst, len, true);
    else
        put_words(rng, dst, len, false);
}
