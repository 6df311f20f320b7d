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

typedef struct word_slot {
    unsigned char text[16];
    size_t len;
} word_slot;

static word_slot slots[NWORDS];
/* by_length[n]: the indexes of the words of length n, count_of_length[n]
 * of them, starting at first_of_length[n] in that array. */
static unsigned char by_length[NWORDS];
static unsigned first_of_length[GEN_WORD_MAX + 1];
static unsigned count_of_length[GEN_WORD_MAX + 1];
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void build_slots(void)
{
    for (unsigned i = 0; i < NWORDS; i++) {
        slots[i].len = strlen(vocabulary[i]);
        memcpy(slots[i].text, vocabulary[i], slots[i].len);
        count_of_length[slots[i].len]++;
    }
    unsigned next = 0;
    for (unsigned n = 1; n <= GEN_WORD_MAX; n++) {
        first_of_length[n] = next;
        for (unsigned i = 0; i < NWORDS; i++)
            if (slots[i].len == n)
                by_length[next++] = (unsigned char)i;
    }
}

const unsigned char *gen_word(uint64_t r, size_t *len)
{
    pthread_once(&slots_once, build_slots);
    const word_slot *slot = &slots[r & (NWORDS - 1)];
    *len = slot->len;
    return slot->text;
}

/* A word of exactly len letters (1 <= len <= GEN_WORD_MAX). */
static const word_slot *word_of_length(size_t len, uint64_t r)
{
    return &slots[by_length[first_of_length[len] + gen_below(r, count_of_length[len])]];
}

static void put_word(unsigned char *dst, const word_slot *word, bool slack)
{
    if (slack)
        memcpy(dst, word->text, sizeof word->text); /* one 16-byte move */
    else
        memcpy(dst, word->text, word->len);
}

void gen_words(gen_rng *rng, unsigned char *dst, size_t len, bool slack)
{
    pthread_once(&slots_once, build_slots);
    uint64_t bits = 0;
    unsigned left = 0; /* random bytes left in bits */
    size_t pos = 0;
    /* Invariant: at least one byte is left for the next word (room >= 1).
     * A word is taken only if a separator and a one-letter word still fit
     * after it; the end is closed with a word of exactly the room left. */
    while (pos < len) {
        size_t sep = pos ? 1 : 0;
        size_t room = len - pos - sep;
        if (left == 0) {
            bits = gen_rng_next(rng);
            left = 8;
        }
        const word_slot *word = &slots[bits & (NWORDS - 1)];
        bits >>= 8;
        left--;
        if (word->len + 2 > room) {
            /* room <= word->len + 1: one word of room letters closes the
             * run, or, when room is one above the longest word, a word of
             * room - 2 letters leaves room for a separator and one letter. */
            size_t exact = room <= GEN_WORD_MAX ? room : room - 2;
            word = word_of_length(exact, gen_rng_next(rng));
        }
        if (sep)
            dst[pos] = ' ';
        put_word(dst + pos + sep, word, slack);
        pos += sep + word->len;
    }
}
