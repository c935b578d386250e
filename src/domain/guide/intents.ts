/**
 * What a message means for the conversation itself, apart from its topic: stop, start over, help,
 * a greeting, "mina förslag", a person, privacy. Understood in natural wording, Swedish with or
 * without å/ä/ö and English, from one table that the bot uses at the top level and at every prompt.
 * Patterns run on folded text (lower case, å/ä → a, ö → o, punctuation as spaces).
 */
import { fold } from '../text';
import { typoReadings, vocabulary, wordsOfPatterns } from '../text/typos';
import { trainClassifier, type ModelCache } from '../text/classifier';
import type { ConversationExamples } from '../packs/schema';

export const conversationIntents = [
  'cancel',
  'restart',
  'help',
  'greeting',
  'thanks',
  'smalltalk',
  'my-suggestions',
  'handoff',
  'privacy-info',
  'privacy-erase',
] as const;
export type ConversationIntent = (typeof conversationIntents)[number];

interface Row {
  intent: ConversationIntent;
  /** Longest message (in words) the row applies to: a long text that mentions "sluta" is content, not a command. */
  maxWords: number;
  patterns: RegExp[];
}

/** What may follow a thank you ("tack så mycket, det var till stor hjälp, ha en bra dag"). */
const THANKS_TAIL = [
  'sa mycket', 'sa hemskt mycket', 'for hjalpen', 'for svaret', 'for det', 'for infon', 'for informationen', 'for att du hjalpte mig',
  'det var till stor hjalp', 'det var bra', 'det var jattebra', 'det hjalpte', 'det hjalpte mig', 'det hjalpte mycket', 'det var precis vad jag behovde',
  'toppen', 'perfekt', 'bra', 'jattebra', 'kanon', 'ha en bra dag', 'ha en trevlig dag', 'ha en fin dag', 'ha det bra', 'ha det gott', 'trevlig helg', 'ha en bra kvall',
  'hej da', 'hejda', 'hej', 'vi ses', 'da', 'anda', 'i alla fall', 'igen',
  'a lot', 'so much', 'very much', 'for your help', 'for the help', 'for that', 'for the info', 'that was helpful', 'that was very helpful', 'that helped',
  'det var allt', 'det var allt for idag', 'det var allt for nu', 'det var det hela', 'grymt', 'grymt bra', 'snyggt', 'najs', 'kanonbra', 'lol', 'haha', 'for existing', 'for being here', 'thats all', 'that s all', 'that s all for today', 'that was all',
  'that helped a lot', 'that s great', 'thats great', 'that s perfect', 'great', 'perfect', 'have a nice day', 'have a good day', 'have a great day',
  'have a nice weekend', 'have a good one', 'bye', 'goodbye', 'see you', 'anyway', 'though', 'then', 'again', 'you have been very helpful', 'you ve been very helpful',
].join('|');

const PERSON = '(manniska|manniskor|person|personal|handlaggare|handlaggaren|nagon|nan|lots|lotsen|foretagslots\\w*|naringslivs\\w*|tjansteman|er|ngn|riktig|human|person|someone|somebody|anyone|officer|agent|staff|advisor|adviser|real person)';

/** Order matters: the first row that matches wins (privacy erase before cancel's "glöm"). */
const TABLE: Row[] = [
  {
    // "Är du en riktig människa?" asks what the bot is; it does not ask for a person.
    intent: 'smalltalk',
    maxWords: 12,
    patterns: [
      /^(ar|e|is) (du|det) (en |ett )?(riktig |riktigt |verklig |levande |sann )?(manniska|robot|bot|ai|dator|datorprogram|program|person|chatbot|chattbot)( eller (en |ett )?(riktig |verklig )?(manniska|robot|bot|ai|dator|program|person|chatbot))?( jag pratar med)?( elr| eller| eller vad| eller inte)?$/,
      /^(am i (talking|speaking|chatting) (to|with)|are you|is this) (a |an )?(real |actual |living )?(human|human being|person|robot|bot|ai|machine|computer|chatbot)( or (a |an )?(real )?(human|person|robot|bot|ai|machine|computer|chatbot))?$/,
      /^(pratar|talar|chattar) jag med (en )?(riktig |verklig )?(manniska|robot|bot|ai|dator|person)( eller (en )?(manniska|robot|bot|ai|dator|person))?$/,
      /^(jobbar|arbetar|sover|vilar) (du|ni)( (sent|ikvall|i kvall|pa natten|pa helgen|nu|hela tiden|dygnet runt|idag))?$/,
      /^(are you|do you) (working|awake|sleeping|sleep|still there|there|online|open)( (late|tonight|today|now|at night|on weekends|24 7))?$/,
      /^(is )?(anyone|anybody|someone) (there|home|here)$/,
      /^(ar du|finns du|ar ni|finns ni|ar det nagon) (dar|har|kvar|vaken|online|pa plats)$/,
    ],
  },
  {
    intent: 'privacy-erase',
    maxWords: 14,
    patterns: [
      /\b(radera|raderar|ta bort|tar bort|tabort|rensa|rensar|stryk|stryker|glom|glommer|sudda ut)\b.{0,30}\b(mina|mig|mej|om mig|allt om mig|mitt)\b.{0,20}(uppgift\w*|data|personuppgift\w*|kontaktuppgift\w*|information|info|\bmig\b|\bmej\b)/,
      /\b(glom|radera) (mig|mej)\b/,
      /\b(radera|raderar|ta bort|tar bort|tabort|rensa|rensar|stryk|stryker|sudda ut)\b.{0,25}\b(om mig|om mej|om oss|om mitt foretag)$/,
      /\b(delete|erase|remove|wipe|forget)\b.{0,20}\b(my|me|about me)\b.{0,20}(data|details|information|info|personal|\bme\b)/,
      /\bforget (about )?me\b/,
      /^((ok|okay|yes|then|so|and|please) )*(please )?(delete|erase|remove|wipe)( (it|them|that|everything|all|all of it|all of that|all of them|the lot|all my stuff|it all))( (please|then|now|too))?$/,
      /^((ok|okej|ja|da|sa|och) )*(radera|ta bort|rensa|stryk|sudda ut)( (allt|alltihop|alltihopa|allting|det|dem|alla|det hela|alltsammans))( (da|tack|nu|ocksa|pa en gang|om mig))?$/,
      /\bright to (be forgotten|erasure)\b/,
      /\b(want|wish|like) to be forgotten\b|\berase (everything|all)( about me| of my data| you have)?\b/,
    ],
  },
  {
    intent: 'privacy-info',
    maxWords: 16,
    patterns: [
      /\b(vilka|vad for|vad har|vad vet|vad sparar|vad lagrar|vad sparas|vad lagras|hur hanterar|hur sparar|hur behandlar|hur lange sparar|sparar|lagrar|sparat|lagrat)\b.{0,40}\b(om mig|om mej|om oss|mina uppgifter|mina personuppgifter|mina data|mina kontaktuppgifter|personuppgift\w*)\b/,
      /\b(registerutdrag|gdpr|dataskydd\w*|integritet\w*|personuppgift\w*)\b/,
      /\b(visa|se|fa se) (mina|alla mina) (uppgifter|data)\b/,
      /\b(what|which)\b.{0,25}\b(data|information|info|details)\b.{0,30}\b(have|store|keep|save|hold|collect)\b/,
      /\bwhat do you (know|have|store|keep) (about|on) me\b/,
      /\b(privacy|personal data|my data|data protection)\b/,
      /\b(do|does|will) (you|u|ya|the bot|this chat|this bot)\b.{0,15}\b(keep|store|save|log|record)\b.{0,20}\b(chat|conversation|history|messages|what i write)\b/,
      /\b(sparar|lagrar|sparas|lagras|loggar|loggas) (ni|du|chatten|samtalet|det jag skriver)\b.{0,20}\b(chatt\w*|samtal\w*|historik|meddelanden|det jag skriver)?/,
    ],
  },
  {
    intent: 'handoff',
    maxWords: 30,
    patterns: [
      new RegExp(`\\b(prata|tala|snacka|chatta|kontakta|traffa|mota|ringa|skriva|fa tag pa|komma i kontakt)\\b.{0,40}\\b${PERSON}\\b`),
      new RegExp(`\\b(finns det|har ni|kan jag fa|fa|nan|nagon)\\b.{0,15}\\b${PERSON}\\b.{0,25}\\b(prata|tala|snacka|chatta|hjalpa mig|ringa)\\b`),
      new RegExp(`\\b(is there|can i get|could i get|i need|i want|i d like|id like)\\b.{0,15}\\b${PERSON}\\b.{0,30}\\b(talk|speak|chat|call|help me)\\b`),
      /\b(vill ha|fa|onskar|behover) (en |personlig )?kontakt med (en|nagon|er|handlaggare)\b/,
      /\b(boka|vill ha|begar|fa|onskar)\b.{0,25}\b(lotsmote|mote|samtal|mote med|telefonsamtal|traff|lots)\b/,
      /\b(lotsmote|foretagslots|foretagslotsen kontakt)\b/,
      /\b(kan|far|vill|skulle)\b.{0,20}\b(nagon|nan|en person|en manniska|en handlaggare)\b.{0,25}\b(ringa|kontakta|hora av|hjalpa|prata|ring)\b/,
      /\b(talk|speak|chat|get in touch|be in touch|connect me)\b.{0,30}\b(human|person|someone|somebody|anyone|officer|agent|staff|advisor|adviser|real)\b/,
      /\b(book a (meeting|call)|arrange a (meeting|call))\b/,
      /\b(vill|onskar|skulle vilja) att (nagon|nan|ni|en handlaggare|kommunen|en person|en manniska)\b.{0,40}\b(kontaktar|ringer|ringer upp|hor av sig|hor av er|mejlar|mailar|skriver till) (mig|mej|oss)\b/,
      /\b(i d like|i would like|i want) (someone|somebody|a person|you|the municipality)\b.{0,30}\b(to )?(contact|call|phone|email|reach) (me|us)\b/,
      /\b(i|we) (really )?(need|want|would like|d like|wanna)( to (talk|speak|chat) (to|with))? (a |an )?(real |actual |living )?(human|human being|person|people|agent|operator|officer)\b/,
      /\b(give me|get me|let me talk to|put me through to|transfer me to) (a |an )?(real |actual )?(human|person|agent|operator|someone)\b/,
      /\b(behover|vill ha|vill fa|onskar|skulle vilja ha) (hjalp|svar|rad) (av|fran|med) (en )?(riktig|verklig|levande|fysisk)? ?(person|manniska|handlaggare|tjansteman)\b/,
      /\b(can|could|may) (someone|somebody|a person|a human)\b.{0,25}\b(call|contact|help|phone)\b/,
    ],
  },
  {
    // "…och ingen svarar, kan någon bara ringa mig?": a plea at the end of a long message.
    intent: 'handoff',
    maxWords: 80,
    patterns: [
      /\b(kan|kunde|skulle) (nagon|nan|ni|ngn)( bara| snalla| garna)? (ringa|kontakta|ringa upp|hora av sig till|mejla|maila) (mig|mej|oss)( snalla| tack| nu| idag)?$/,
      /\b(can|could) (someone|somebody|anyone|you)( just| please)? (call|contact|phone|email|ring) (me|us)( please| back| today)?$/,
    ],
  },
  {
    // "Ring mig", "call me": a request for a person when that is all the message says. Inside a
    // longer message ("…fler laddstolpar, maila mig på …") it is a contact detail of the content.
    intent: 'handoff',
    maxWords: 8,
    patterns: [
      /\b(ring|ringa|kontakta|maila|mejla) (upp )?(mig|mej|oss)\b|\bbli kontaktad\b|\bhora av (er|sig|dig)\b/,
      /\b(call me|contact me|ring me|phone me|email me|e mail me|call me back|reach me)\b/,
      /^(manniska|person|human|agent|en manniska|a human|a person|handlaggare|operator)$/,
    ],
  },
  {
    intent: 'my-suggestions',
    maxWords: 14,
    patterns: [
      /\b(mina|mitt|min)( (tidigare|gamla|forra|forsta|senaste|sista|egna|andra|inskickade|skickade|lamnade|insanda|aktuella|befintliga|oppna|pagaende))? (forslag|synpunkter|synpunkt|arenden|arende|inspel|klagomal|klagomalet|forslaget|beromm?)\b/,
      /\b(vad hande|hur gick det|hur gar det) (med|for) (mitt|min|mina)\b/,
      /\bstatus (pa|for|om) (mitt|min|mina)\b/,
      /\bmy( (previous|earlier|old|past|last|first|other|own|submitted|open|current|existing))? (suggestions?|feedback|cases?|complaints?|ideas?|reports?)\b/,
      /\bwhat happened (to|with) my\b/,
      /\b(vilka|vad for|vad har|hur manga) (forslag|synpunkter|inspel|klagomal|arenden)?.{0,12}\b(har )?(jag|ja|vi) (har )?(skickat|lamnat|skickat in|lamnat in|gett|gjort|stottat)\b/,
      /\bvad har (jag|ja|vi) (skickat|lamnat)( in)?\b/,
      /\bwhat (have|did) (i|we) (submit|submitted|send|sent|suggest|suggested|leave|left|support|supported)\b/,
      /\b(show|list|see) (me )?(my|our) (suggestions?|submissions?|feedback|complaints?)\b/,
      /\b(visa|se|lista) (mina|vara) (forslag|inspel|synpunkter|arenden)\b/,
      /\bvad (jag|ja|vi) (har )?(skickat|lamnat)( in)?\b/,
      /\b(mina|mitt|min) (forslg|forlsag|forsalg|froslag|forsag|arnden|synpunker)\b/,
      /\b(where|how) (can|do) (i|we) (see|check|follow|find|track)\b.{0,30}\b(status|what (i|we) (sent|submitted|suggested)|my (suggestion|feedback|complaint|case))/,
    ],
  },
  {
    intent: 'restart',
    maxWords: 8,
    patterns: [
      /\b(borja|starta|ta det) om\b/,
      /\b(om )?fran borjan\b/,
      /\bborja pa nytt\b/,
      /\b(start|begin) (over|again|afresh|from scratch)\b|\brestart\b|\bfrom the (beginning|start|top)\b/,
    ],
  },
  {
    intent: 'cancel',
    maxWords: 12,
    patterns: [
      /^(avbryt|avbryta|avbryter|stopp|stop|stoppa|sluta|avsluta|quit|exit|cancel|abort|halt)\b/,
      /\b(avbryt|avbryta|avbryter)\b/,
      /\b(angrar|angra|angrat|angrade) (mig|mej|det)\b|\bjag angrar\b|^angra\b/,
      /\b(slapp|glom|strunta i|skit i|struntar i|skiter i|lat bli|lagg ner|skippa) (det|detta|allt|hela grejen|hela saken|forslaget|alltihop)\b/,
      /\b(glom|strunt|skit) i det\b|^(glom det|strunta i det|nej forresten)\b/,
      /\bnej forresten\b/,
      /\b(vill|orkar) inte (langre|fortsatta|lamna nagot|lamna forslaget|skicka|gora det|det har)\b/,
      /\b(tankte om|andrat mig|andrade mig|har andrat mig|andra mig)\b/,
      /\b(forget it|forget about it|never ?mind|nvm|i changed my mind|changed my mind|drop it|leave it|don t bother|dont bother|scrap that|scratch that|not anymore|call it off|i give up)\b/,
      /\b(stop|cancel|quit|end) (this|that|it|the dialog|everything)\b/,
      /\bi (don t|dont|do not) want to (continue|go on|do this|send|leave)\b/,
      /\b(orkar|hinner|vill) inte (med )?(det har|detta|det|nu|mer|langre)\b/,
      /\bjag (vill|ska) (sluta|avsluta|ga|lamna|hoppa av)( nu| har| detta| det har)?$/,
      /^(skit samma|strunt samma|samma sak|glom det hela|glom alltihop|nej nej|nej det var inget|det var inget|aldrig mind|ah nej)$/,
      /\b(forget|drop|skip|scrap|cancel) (the whole thing|everything|all of it|the lot)\b/,
      /\b(i want to|i d like to|let me|i ll) (stop|quit|leave|exit)( now| this| here)?$/,
      /\b(let s|lets|let us) (just )?(drop|forget|skip|leave|scrap) (it|this|that|the whole thing)\b|\bi ll think about it\b|\bi need to think about it\b/,
      /\bjag (ringer|mejlar|mailar|kontaktar|hor av mig|hor av mig till|tar kontakt med) (dit|dem|er|kommunen|handlaggaren)? ?(sjalv|sjalva|pa egen hand)\b|\bi ll (call|contact|email|phone) (them|you|the municipality|the council)? ?myself\b/,
      /\b(not now|maybe later|some other time|another time|ett annat tillfalle|en annan gang|nagon annan gang|senare kanske|kanske senare)\b/,
      /^(nej |men )?forresten (inte nu|inte idag|inte just nu)( (tack|da|anda))?$/,
    ],
  },
  {
    intent: 'help',
    maxWords: 9,
    patterns: [
      /^(hjalp|help|hjalpa|\?+|hjalp mig|help me|hjalp!?)$/,
      /^(kan|skulle|vill) (du|ni) (hjalpa|hjalp) (mig|oss)( lite| med nagot| med en sak| tack| kanske)?$/,
      /\bvad kan (du|jag|man)\b.{0,15}\b(gora|hjalpa|fraga|fa hjalp|anvanda)\b|\bvad kan du\b/,
      /^hur (funkar|fungerar|anvander (man|jag)) (det har|detta|du|dig|boten|chatten|tjansten|det|den har|det har verktyget)( har)?$/,
      /\b(jag )?(forstar|fattar) (inte|ingenting|noll)\b/,
      /^(vad gor (du|man har|jag nu)|vad ar det har|vad ar detta)$/,
      /\bwhat (else )?(can|could|do) you (actually |really |even |exactly )?(do|help( me)?( with)?)\b|\bvad (kan|gor) du (egentligen |faktiskt |ens |for nagot )?(gora|hjalpa( mig)?( med)?)\b/,
      /\b(what can you do|what do you do|how does (this|it) work|how do i use|i don t understand|i dont understand|what is this|what are you for|how can you help)\b/,
      /\b(va|vad) kan (du|ja|jag|man) (gora|hjalpa|fraga|fa hjalp med)\b|^va kan du\b/,
      /\bwhat (can|could|should) i (ask|do|say)( you| here)?\b|\bwhat (can|do) you help( me)? with\b|^(can|could) you help( me)?( please)?$/,
      /^(vad|va) (ar|e) (du|detta|det har)( for (en|nagot|nat|nanting|slags sak))?$/,
      // "Är det här kommunens chatt för företagare?", "Vad är det här för tjänst?"
      /^(ar|e) (det har|detta|det|du) (kommunens|er|ert|ni|en|ett) (chatt|chattbot|chatbot|bot|tjanst|sida|robot)\b/,
      /^(vad|va) (ar|e) (det har|detta|det|du) (for|for en|for nagon|for nat) (tjanst|chatt|sida|bot|sak|nagot)\b/,
      /^is (this|it) (the )?(municipality s|council s|kommun s|a|an|the) (chat|chatbot|bot|service)\b/,
    ],
  },
  {
    intent: 'thanks',
    // Whole-message patterns only (anchored), so a longer thank-you with its tail still counts.
    maxWords: 16,
    patterns: [
      /^(ok |okej |okay |fair enough |alright |all right |aha |jaha |ah |nej men |ja )?(tack|tackar|tack tack|tusen tack|stort tack|tack sa mycket|tack sa hemskt mycket|tack ska du ha|tackar sa mycket|perfekt tack|bra tack|okej tack|ok tack|toppen tack|schysst tack|thanks|thank you|thank you so much|thx|ty|cheers|many thanks|great thanks|perfect thanks|thanks anyway|thank you anyway|thanks though)( (sa mycket|for hjalpen|for svaret|for det|for infon|for informationen|for your help|for the help|a lot|so much|hej|bye|hej da|anda|i alla fall|anyway|though|then|anyways))*( (hej|hejda|hej da|bye))?$/,
      /^(ok|okej|okay|fair enough|alright|jaha|aha|fint|bra)( (then|da|anda|anyway))? (thanks|thank you|tack)( (anyway|anda|though|then|sa mycket))?$/,
      new RegExp(`^(ok |okej |okay |great |perfect |perfekt |toppen |super |bra |fint |jaha |aha )?(tack|tackar|tack tack|tusen tack|stort tack|thanks|thank you|thx|cheers|many thanks)( (${THANKS_TAIL}))+$`),
      new RegExp(`^(det|det dar|det har|that|this|it)( (var|was|is|s))? (till stor hjalp|jattebra|kanonbra|superbra|bra|toppen|perfekt|klockrent|hjalpsamt|helpful|very helpful|really helpful|great|perfect|useful|just what i needed|precis vad jag behovde)( (${THANKS_TAIL}))*$`),
    ],
  },
  {
    intent: 'greeting',
    maxWords: 6,
    patterns: [
      /^(hej|hejsan|hejhej|hej hej|halla|hallo|tjena|tjenare|tja|tjabba|morsning|god morgon|godmorgon|god morron|gomorron|go morron|gomorn|god dag|goddag|god kvall|god eftermiddag|hallaa|heja|hi|hello|hey|hiya|howdy|good morning|good afternoon|good evening|yo|hei)( (pa dig|pa er|allihopa|dar|bot|boten|lotsen|foretagslotsen|there|you|all))?( (hur mar du|hur ar det|laget|how are you))?$/,
    ],
  },
  {
    intent: 'smalltalk',
    maxWords: 8,
    patterns: [
      /^(hur mar du|hur ar laget|laget|vem ar du|vem e du|vad heter du|va heter du|ar du en (robot|bot|manniska|ai)|e du en (robot|bot|manniska)|ar du riktig|how are you|how are you doing|how are you doing today|how s it going|hows it going|who are you|what are you|what is your name|what s your name|are you a (bot|robot|human|person)|are you real|ok|okej|okey|oki|bra|fint|najs|nice|cool|kul|fine|good|great|hej da|hejda|adjo|bye|goodbye|vi ses|see you)( idag| today| da| then)?$/,
    ],
  },
];

/** The message folded for matching: lower case, å/ä/ö folded, punctuation as spaces. */
export function normalize(text: string): string {
  return fold(text)
    .replace(/[’'`´]/g, ' ')
    .replace(/[^a-z0-9?@ ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*\?+\s*$/, '')
    .trim();
}

function wordCount(folded: string): number {
  return folded.split(' ').filter(Boolean).length;
}

/** A greeting or filler in front of what the message asks ("hej hej, vad är det här?", "ok then, what can you do?"). */
const GREETING_PREFIX =
  /^(hej hej|hejsan|hej|halla|hallo|tjena|tjenare|tja|god morgon|god kvall|god eftermiddag|goddag|hi there|hi|hello|hey|good morning|good evening|good afternoon|ok then|okay then|ok|okej|okay|so|well|jaha|aha)( (pa dig|dar|there|again|igen))? /;
/** "Vad är en företagslots?" asks what it is; it does not ask for one. */
const ASKS_WHAT = /^(vad|va|what|who|vem) (ar|e|is|betyder|means|does|gor) (en |ett |a |an |the )?(foretagslots\w*|lotsmote\w*|lots|business pilot|pilot meeting)\b/;
/** "Nej, jag vill inte att ni sparar mina uppgifter" declines; it does not ask what is stored. */
const DECLINING = /^(nej|no|nope|nah|inte|don t|dont|do not)\b/;

function fromTable(folded: string, words = wordCount(folded)): ConversationIntent | undefined {
  const declining = DECLINING.test(folded);
  for (const row of TABLE) {
    if (words > row.maxWords) continue;
    if (declining && (row.intent === 'privacy-info' || row.intent === 'privacy-erase')) continue;
    if (row.intent === 'handoff' && ASKS_WHAT.test(folded)) continue;
    if (row.patterns.some((pattern) => pattern.test(folded))) return row.intent;
  }
  return undefined;
}

/** Colloquial spellings written as the table has them: "mej" → "mig", "dej" → "dig", "dom" → "dem", a leading "nä"/"nää" → "nej". */
function colloquial(folded: string): string {
  return folded
    .replace(/\b(mej|dej|sej)\b/g, (word) => `${word.charAt(0)}ig`)
    .replace(/\bdom\b/g, 'dem')
    .replace(/^(naa+|nae|naej|nix|nepp)\b/, 'nej')
    .replace(/^na (forresten|tack|inte|vet du vad|det|jag)\b/, 'nej $1');
}

function intentOfFolded(folded: string): ConversationIntent | undefined {
  const found = fromTable(folded);
  if (found) return found;
  const rest = folded.replace(GREETING_PREFIX, '');
  // The rows' length limits count the whole message, greeting included.
  return rest !== folded && rest.length > 0 ? fromTable(rest, wordCount(folded)) : undefined;
}

/** The words of the table, for reading a message whose key word has a typo ("tack för hjälpn"). */
const TABLE_WORDS = vocabulary(wordsOfPatterns(TABLE.flatMap((row) => row.patterns)));
/** Longest message whose typos are looked for (the table's rows are for short messages). */
const TYPO_MAX_WORDS = 16;

/** The conversation intent of a message, if it has one (first matching row of the table; then with typos of its words corrected). */
export function conversationIntent(text: string): ConversationIntent | undefined {
  const raw = fold(text).trim();
  if (/^\?+$/.test(raw)) return 'help';
  const folded = colloquial(normalize(text));
  if (!folded) return undefined;
  const found = intentOfFolded(folded);
  // "Mitt förslag: fler bänkar", "my suggestion is …" give a suggestion; they do not ask for the user's own.
  // "Nej förresten, jag lämnar hellre ett förslag" turns to a suggestion; it does not only stop.
  if ((found === 'my-suggestions' && feedbackOpening(text)?.rest) || (found === 'cancel' && feedbackOpening(text))) return undefined;
  if (found || wordCount(folded) > TYPO_MAX_WORDS) return found;
  for (const reading of typoReadings(folded, TABLE_WORDS)) {
    const intent = intentOfFolded(reading);
    if (intent) return intent;
  }
  return undefined;
}

const QUESTION_WORDS =
  /^(hur|var|vart|varifran|vad|vem|vems|nar|varfor|vilken|vilket|vilka|kan jag|kan man|kan ni|kan du|far jag|far man|maste jag|maste man|behover jag|behover man|ska jag|finns det|galler det|stammer det|ar det|how|what|where|who|whom|whose|why|when|which|can i|can you|can we|could i|could you|do i|do you|does|is there|are there|is it|should i|may i|will)\b/;

const VAGUE =
  /^(?:(?:men|och|ok|okej|so|and|but) )?(?:vad|hur mycket|hur lang tid|hur lange|nar|var|what|how much|how long|when|where)(?: (?:kostar|tar|ar|galler|does|do|is|will))? (?:det|den|detta|dom|de|it|that|this|they)(?: (?:cost|take|kosta|ta))?$/;

/** "Tillstånd?", "what permit do I need?": a kind of permit without the what; there are many. */
const GENERIC_PERMIT =
  /^(?:(?:hej|hi|hello|hey|ok|okej|men|och|so) )*(?:(?:vilket|vilka|vad for|what|which|what kind of) )?(?:tillstand|tillstandet|lov|tillstand och lov|permit|permits|license|licence|licenses|licences|tillstand eller lov)(?: (?:behover|kravs|maste|do|does|is|are)(?: (?:jag|man|vi|i|we|needed|required))?(?: (?:ha|soka|fa|need|have|get|apply for))?)?$|^(?:(?:hej|hi|hello|hey) )?(?:jag|vi|i|we) (?:behover|maste ha|ska ha|vill ha|vill soka|ska soka|need|must get|have to get|want) (?:ett |nagot |nagra |a |some |an )?(?:tillstand|lov|permit|license|licence)$|^(?:(?:hej|hi|hello|hey) )?(?:behover|maste|do|must) (?:jag|man|vi|i|we) (?:need )?(?:ha |soka |fa |have |get )?(?:ett |nagot |nagra |a |any |some )?(?:tillstand|lov|permit|license|licence)$/;

/** A question about something not named ("vad kostar det?", "tillstånd?"): the bot asks back instead of guessing. */
export function isVagueQuestion(text: string): boolean {
  const folded = normalize(text);
  return VAGUE.test(folded) || GENERIC_PERMIT.test(folded);
}

/** "Vad tycker du om Hallstahammars bandylag?": the bot's own opinion, which it does not give. */
const ASKS_BOT_OPINION = /^(?:(?:hej|hi|hello|ok|okej) )?(?:vad|va|hur) (?:tycker|tanker|anser) (?:du|ni)(?: sjalv)? om\b|^(?:(?:hi|hello|ok) )?what do you (?:think|reckon) (?:of|about)\b|^(?:do you like|gillar du)\b/;
export function asksBotOpinion(text: string): boolean {
  return ASKS_BOT_OPINION.test(normalize(text));
}

/**
 * A private person's own matter (their own tax return, pension, passport, their pay as an employee,
 * a quarrel with their neighbour, their own computer): not the business guide's.
 */
const PRIVATE_MATTER =
  /\b(min privata|mina privata|min egen deklaration|privat deklaration|privatdeklaration|som privatperson|min pension|mitt korkort|mitt pass|personal tax return|my own tax|my private tax|private tax return|as a private person|my pension|my driving licen[cs]e|my passport|som anstalld|som arbetstagare|min lon|min arbetsgivare|as an employee|my salary|my wages|my employer|min granne|mina grannar|grannen ovanfor|grannen bredvid|my neighbou?rs?|the neighbou?rs? upstairs|(min|mitt) (dator|skrivare|mobil|telefon|router|wifi|tv|laptop)|(my|our home) (computer|printer|phone|laptop|router|wifi|tv))\b/;
const BUSINESS_WORDS = /\b(foretag\w*|firma\w*|bolag\w*|ab|enskild|verksamhet\w*|kund\w*|business|company|firm|customers?|shop|butik\w*|restaurang\w*|cafe|uteservering\w*|verkstad\w*|lokal\w*|salong\w*|premises|workshop|restaurant|anstallda|personal|employees|staff)\b/;
export function isPrivateMatter(text: string): boolean {
  const folded = normalize(text);
  return PRIVATE_MATTER.test(folded) && !BUSINESS_WORDS.test(folded);
}

/** Words that report a problem or wish for a change ("är trasig", "borde", "för få", "is broken", "should"). */
const REPORT =
  /\b(borde|bor|skulle behova|behover (byggas|fixas|lagas|ses over|atgardas)|ar trasig\w*|har varit trasig\w*|ar sonder|gatt sonder|fungerar inte|funkar inte|saknas|finns inga|finns ingen|for fa|for lite|for manga|for dalig\w*|alldeles for|ar dalig\w*|ar farlig\w*|ar morkt|slacknar|ar slackt|lyser inte|ar igenvuxen|ar full av|inte skottad|inte plogad|ar ett problem|onskar att|vore bra om|vore bra med|is broken|are broken|has been broken|doesn t work|dont work|don t work|isn t working|not working|should|ought to|needs fixing|needs to be fixed|too few|too little|too many|is missing|are missing|there are no|there is no|is dangerous|is dark|please fix|would be great if|would be nice if)\b/;
/** A wish that someone else acts ("vi vill att kommunen ordnar …", "we'd like the council to …"): a suggestion, not a question. */
const WISH_FOR_OTHERS =
  /\b(?:vill|ville|onskar|hoppas|skulle vilja|tycker) att (?:kommunen|ni|man|politikerna|staden|naringslivskontoret|forvaltningen|tekniska|det (?:borde|ska|skulle))\b|\b(?:want|wish|would like|d like|hope|expect) (?:the municipality|the council|you|the town|the city|the business office|someone) to\b/;
/** Contact details offered inside a message ("ring mig 0733…", "email me at …"): a report that wants an answer. */
const OFFERS_CONTACT = /\b(ring mig|ring mej|maila mig|mejla mig|kontakta mig|call me|email me|e mail me|contact me|reach me)\b/;

/** A statement that reports a problem or a wish, not a question: a suggestion with its content. */
export function isReport(text: string): boolean {
  const folded = normalize(text);
  if (folded.split(' ').length < 5 || looksLikeQuestion(text)) return false;
  return REPORT.test(folded) || WISH_FOR_OTHERS.test(folded) || OFFERS_CONTACT.test(folded);
}

/** Most words of the last sentence of a message read on its own as a question (trailingQuestion). */
const TRAILING_QUESTION_MAX_WORDS = 12;

/**
 * The last sentence of a message of several, when it is a short question: "Äh, jag har redan skickat
 * in det. Kan jag se mina förslag istället?" → "Kan jag se mina förslag istället?".
 */
export function trailingQuestion(text: string): string | undefined {
  const sentences = text.trim().split(/(?<=[.!?])\s+/).filter((sentence) => sentence.trim().length > 0);
  const last = sentences.at(-1)?.trim();
  if (sentences.length < 2 || !last || !/\?\s*$/.test(last)) return undefined;
  return last.split(/\s+/).length <= TRAILING_QUESTION_MAX_WORDS ? last : undefined;
}

/** A clause that drops what came before ("förresten skit i ölen,", "never mind the beer,") and then the message's real point. */
const DISMISSAL =
  /^(?:(?:ah|aha|ah|ok|okej|okay|nej|men|fast|forresten|och|nah|oh|actually|no|well|hmm+)[\s,]+)*(?:skit i|strunta i|struntar i|skiter i|glom|glom bort|forget|forget about|never mind|nevermind|skip|drop|scratch)\b[^,.;!?]{0,40}[,.;!?]\s*/;

/**
 * What a message says after dropping something: "ah förresten skit i ölen, vad behövs för själva
 * konserten på torget" → "vad behövs för själva konserten på torget".
 */
export function afterDismissal(text: string): string | undefined {
  const original = text.trim();
  const folded = fold(original);
  if (folded.length !== original.length) return undefined;
  const dropped = DISMISSAL.exec(folded);
  const rest = dropped ? original.slice(dropped[0].length).trim() : '';
  return rest.split(/\s+/).length >= 3 ? rest : undefined;
}

/** Whether a message reads as a question (a question mark or a question word first). */
export function looksLikeQuestion(text: string): boolean {
  const trimmed = text.trim();
  if (/\?\s*$/.test(trimmed)) return true;
  return QUESTION_WORDS.test(normalize(trimmed));
}

/** Words of a message that open a suggestion without saying what it is ("hej, jag har ett förslag"). */
export interface FeedbackOpening {
  /** What follows the opening, as the user wrote it ('' when nothing). */
  rest: string;
}

const GREETING_LEAD =
  /^(?:(?:hej|hejsan|halla|hallo|tjena|tjenare|tja|god morgon|goddag|hi|hello|hey|good morning|ok|okej|okay|so|sa|ja|yes|well|nu|thanks for the help( earlier)?|tack for hjalpen( nyss| innan)?|tack|actually(?: no)?|no wait|wait|nej vanta|vanta|nej forresten|forresten|fast nej|fast|nej vet du vad|vet du vad|hmm+|nah|nej|no|na|ah|ah nej|aah?|eh)(?:\s+(?:pa dig|dar|there|allihopa|again|igen))?[\s,.!:;-]+){0,3}/;
const OPENINGS: RegExp[] = [
  /^(?:(?:jag|ja|vi) )?(?:skulle )?(?:har|hade|vill|ville|skulle vilja|onskar|tanker|tankte|kommer att)(?: garna)?(?: hellre| istallet| i stallet)?(?: bara)?(?: ge| lamna| skicka| komma med| framfora| tycka till| saga| dela| ha)?(?: ett| en| nagra| lite| mitt| min| mina| ngt| nagot)?(?: litet| kort| eget| konkret| nytt| annat)?\s*(?:forslag|synpunkt|synpunkter|klagomal|inspel|tips|ide|iden|ideer|asikt|asikter|forbattringsforslag|reklamation|berom|kritik|eloge|feedback)(?:\s+(?:till|pa|om|for|at)\s+(?:er|kommunen|dig|mora|borlange|hedemora|hallstahammar|hur|naringslivet|\w+s? kommun))?\b/,
  /^(?:(?:jag|ja|vi) )?(?:vill|ville|skulle vilja) (?:tycka till|tyck till|tycka|klaga|beromma|ge berom|framfora (?:nagot|en sak))(?: (?:om|pa) (?:en grej|nagot|nat|en sak|saker|er|kommunen))?\b/,
  // "kan jag tycka till?", "kan jag lämna ett förslag?"; not "kan vi lämna wellpapp på återvinningen?"
  /^(?:kan|far|skulle) (?:jag|vi|man) (?:fa )?(?:tycka till\b|(?:ge|lamna|skicka|komma med|framfora)(?:(?: ett| en| nagot| ngt| min| mitt| mina)?\s*(?:forslag|synpunkt|synpunkter|klagomal|inspel|tips|ide|asikt|berom)\b|\s*[?.!]*$))/,
  /^(?:lamna|ge|skicka|registrera|gora|ny|nytt)(?: ett| en| mitt| min| nytt| ny)?\s*(?:forslag|synpunkt|synpunkter|klagomal|inspel|tips|ide|berom|felanmalan)\b/,
  /^(?:gor|gora) (?:mora|borlange|hedemora|hallstahammar|kommunen|\w+) battre\b/,
  /^(?:(?:har (?:ar|kommer) |har )?(?:mitt|min|vart|var|ett|en|ett litet|ett kort|ett nytt|litet|kort|nytt) )?(?:forslag|synpunkt|synpunkter|klagomal|inspel|tips|ide|berom|kritik)(?:\s+(?:till|pa|om|for)\s+(?:er|kommunen|\w+s? kommun))?\s*(?:[:,.!-]|$)/,
  /^(?:i|we)(?: would| d)?(?: like| want| wanna| wish| have| had| got)(?: to)?(?: give| leave| make| send| share| submit| offer| file| register| voice| add)?(?: you)?(?: a| an| some| my| our| one)?(?: small| quick| little| short)?\s*(?:suggestion|suggestions|complaint|complaints|feedback|idea|ideas|opinion|opinions|comment|comments|praise|proposal|thought|thoughts)\b(?:\s+(?:for|to|about|on)\s+(?:you|the municipality|the council|\w+))?/,
  /^(?:i|we) (?:would like|want|wish|d like) to (?:complain|comment|give praise|praise|compliment|have my say|say something|tell you something)\b/,
  /^(?:i|we)(?: would| d| ll)? (?:rather|prefer to|prefer)(?: just)? (?:give|leave|make|send|submit|write|file|do)(?: a| an| some| my)?\s*(?:suggestion|complaint|feedback|idea|opinion|comment|proposal)s?\b/,
  /^(?:(?:jag|ja|vi) )?(?:lamnar|ger|skickar|skriver|gor) (?:hellre|istallet|i stallet|bara)(?: ett| en| mitt| min)?\s*(?:forslag|synpunkt|synpunkter|klagomal|inspel|tips|ide)\b/,
  /^(?:can|could|may) (?:i|we) (?:give|leave|make|send|share|submit|offer)(?: you)?(?: a| an| some| my)?\s*(?:suggestion|complaint|feedback|idea|opinion|comment|proposal)\b/,
  /^(?:leave|give|send|submit|make|new)(?: a| an| some| my)?\s*(?:suggestion|complaint|feedback|idea|opinion|comment|proposal)\b/,
  /^(?:make|improve) (?:mora|borlange|hedemora|hallstahammar|the municipality|\w+) better\b/,
  /^(?:(?:here s |here is |heres )?(?:my|our|a|an|one|quick|small|a quick|a small|new|a new) )?(?:suggestion|complaint|feedback|idea|opinion|proposal)(?:\s+(?:for|to)\s+(?:the municipality|the council|you|\w+))?\s*(?:[:,.!-]|$)/,
  /^(?:i|we) (?:want|would like|d like) to use (?:gor|make) \w+ (?:battre|better)\b/,
  /^(?:i|we)(?: would| d)?(?: really)?(?: like| want| wanna| wish)(?: to)? (?:suggest|propose|recommend|complain|complain about|report)(?: something| a thing| an idea| smth| sth| something to you)?\b/,
  /^(?:(?:jag|ja|vi) )?(?:vill|ville|skulle vilja|onskar)(?: garna| bara)? (?:foresla|tipsa om|klaga pa|anmala|tycka till om)(?: nagot| nat| en sak| en grej| ngt| nagonting)?\b/,
];

/**
 * A kind of input named first with whom or what it is about, and the rest of the message saying it:
 * "Beröm till räddningstjänsten för en pedagogisk brandskyddskontroll", "klagomål på snöröjningen
 * vid …", "Complaint about the potholes on …". The whole message is the suggestion.
 */
const LABELLED = [
  /^(?:berom|klagomal|kritik|reklamation|forslag|forbattringsforslag|synpunkt|synpunkter|tips|ide)\s+(?:till|pa|om|for|fran|angaende|gallande|kring|at|mot|inom)\s+\S+/,
  /^(?:praise|complaint|criticism|kudos|compliments?|suggestion|feedback|idea|proposal)\s+(?:for|to|about|regarding|from|on|of|concerning|re|over)\s+\S+/,
];
/** Fewest words for a labelled message to say something (not only "klagomål på bygglovet"). */
const LABELLED_MIN_WORDS = 6;

/** The kind of input named in an opening ("ett förslag", "an idea"): what follows it says what it is about. */
const KIND_NOUN = /\b(?:forslag|forbattringsforslag|synpunkt|synpunkter|klagomal|inspel|tips|ide|iden|ideer|asikt|asikter|berom|kritik|eloge|suggestions?|complaints?|feedback|ideas?|opinions?|comments?|praise|proposals?|thoughts?)\b/;
const ABOUT = /^(?:for|about|on|regarding|concerning|om|till|kring|angaende|gallande|pa|at|inom)\s+/;
/** Words that make what follows "an idea about …" a wish, not only a subject ("for more benches"). */
const SAYS_WHAT = /\b(?:more|fler|flera|mer|better|battre|less|farre|mindre|new|ny|nya|nytt|should|borde|would|could|need|needs|needed|behover|behovs|ska|skulle|kan|can|is|are|ar|was|var|att|to|that|so|ha|have|get|fa|make|gora|build|bygga|fix|open|oppna|longer|langre|shorter|kortare|cheaper|billigare|faster|snabbare|improve|forbattra|instead|istallet|bort|remove|stop|sluta|not|inte|no|ingen|inga|by|genom|med|with|for)\b/;
/** "…om hur man kan göra Borlänge bättre", "…on how to make the town better": an aim, not yet the idea. */
const VAGUE_AIM = /^(?:om|on|about|for) (?:hur|how)\b(?!.*\b(?:genom|by|med|with)\b).*\b(?:battre|better|improve\w*|forbattra\w*|utveckla\w*|develop\w*|lattare|easier|attraktiv\w*|attractive)\b[^:]*$/;
/** Most words of a subject announced after the opening ("…an idea for the town centre"). */
const SUBJECT_MAX_WORDS = 6;

/**
 * Whether the words after an opening's kind of input only announce what it is about: "jag har en idé
 * för stadskärnan", "I have an idea for the town centre", "…en idé om hur man kan göra Borlänge
 * bättre". The bot then asks what the idea is instead of taking the announcement as the idea.
 */
function aboutOf(body: string): { announces: boolean; subjectAt: number } | undefined {
  const noun = KIND_NOUN.exec(body);
  if (!noun) return undefined;
  const after = body.slice(noun.index + noun[0].length);
  const tail = after.replace(/^[\s,.!-]+/, '');
  const preposition = ABOUT.exec(tail);
  if (!preposition) return undefined;
  const subject = tail.slice(preposition[0].length).trim();
  const subjectAt = body.length - tail.length + preposition[0].length;
  if (VAGUE_AIM.test(tail) && tail.split(' ').length <= 12) return { announces: true, subjectAt };
  const announces = subject.split(' ').filter(Boolean).length < SUBJECT_MAX_WORDS && !SAYS_WHAT.test(subject) && !tail.includes(':');
  return { announces, subjectAt };
}
/** Whom a suggestion is for ("ett förslag till kommunen …"): not what it is about. */
const ADDRESSEE = /^(?:er|kommunen|dig|you|the municipality|the council|mora|borlange|hedemora|hallstahammar|\w+s? kommun)\b/;

/**
 * "…och vill föreslå bättre cykelparkering…", "…and I'd like to suggest…": the wish to suggest in
 * the middle of a message that also says what. The whole message is the suggestion.
 */
const MID_OPENING =
  /\b(?:(?:jag|vi) )?(?:vill|ville|skulle vilja|onskar)(?: garna| bara)? (?:foresla|foreslar|tipsa om|klaga pa|lamna ett forslag om|ge ett forslag om)\b|\b(?:i|we)(?: would| d)? (?:like|want|wish) to (?:suggest|propose|complain about|recommend)\b|\bmitt forslag ar\b|\bmy suggestion is\b/;

/**
 * Whether a message opens a suggestion, and what it says after the opening. "hej, jag har ett
 * förslag" gives rest '' (ask for it); "jag har ett förslag: fler bänkar på torget" gives the content.
 * Works on the folded text and cuts the original at the same length (folding keeps lengths).
 */
export function feedbackOpening(text: string): FeedbackOpening | undefined {
  const original = text.trim().replace(/\s+/g, ' ');
  const found = openingOf(original);
  if (found) return found;
  for (const reading of correctedHeads(original)) {
    const opening = openingOf(reading);
    if (opening) return opening;
  }
  return undefined;
}

/** The words of the openings, for reading one with a typo ("vill lämna förlsag", "sugestion: …"). */
const OPENING_WORDS = vocabulary(wordsOfPatterns([...OPENINGS, ...LABELLED, KIND_NOUN]));
/** How many words at the start of a message may hold its opening (only they are corrected). */
const OPENING_HEAD_WORDS = 8;

/** The message read with typos of opening words corrected in its first words (the rest as written). */
function correctedHeads(original: string): string[] {
  const words = original.split(' ');
  const head = words.slice(0, OPENING_HEAD_WORDS).join(' ');
  return typoReadings(head, OPENING_WORDS).map((reading) => [reading, ...words.slice(OPENING_HEAD_WORDS)].join(' '));
}

function openingOf(original: string): FeedbackOpening | undefined {
  if (!original) return undefined;
  const folded = fold(original).replace(/[’'`´]/g, ' ');
  if (folded.length !== original.length) return undefined;
  const lead = GREETING_LEAD.exec(folded)?.[0] ?? '';
  const body = folded.slice(lead.length);
  for (const pattern of OPENINGS) {
    const match = pattern.exec(body);
    if (!match) continue;
    const about = aboutOf(body);
    if (about?.announces) return { rest: '' };
    // "I have an idea for more benches": the pattern's "for <word>" took the first word of the idea.
    const cut = about && about.subjectAt < match[0].length && !ADDRESSEE.test(body.slice(about.subjectAt)) ? about.subjectAt : match[0].length;
    let rest = original.slice(lead.length + cut).replace(/^[\s:,.;!?–-]+/, '').trim();
    // "…ett klagomål på sophämtningen …", "…kritik mot handläggningen …": the kind belongs to what it says.
    const noun = KIND_NOUN.exec(body);
    const preposition = /^(?:på|pa|mot|kring|angående|angaende|gällande|gallande|regarding|concerning|on|against|till|to)\s(?!att\b|that\b)/i.exec(rest);
    if (noun && preposition && cut === match[0].length && !ADDRESSEE.test(fold(rest.slice(preposition[0].length)))) {
      rest = original.slice(lead.length + noun.index).trim();
    }
    // "…ett förslag om att bygga …" / "…that the council should…": keep the content only.
    rest = rest.replace(/^(?:och det (?:ar|galler)|det (?:ar|galler)|som (?:ar|galler)|om att|att|om|pa att|och|so|and|that|about|regarding|here it is|here goes|it is|it s|its)\b[\s:,.-]*/i, '').trim();
    if (/^(?:och det är|det är|det gäller|som är|som gäller|om att|på att)\b[\s:,.-]*/i.test(rest)) rest = rest.replace(/^(?:och det är|det är|det gäller|som är|som gäller|om att|på att)\b[\s:,.-]*/i, '').trim();
    const words = rest.split(/\s+/).filter(Boolean).length;
    if (words < 2 || rest.length < 10 || (/^(?:till|to|for|för|er|you|kommunen|the municipality)\b/i.test(rest) && words < 4)) return { rest: '' };
    return { rest: rest.charAt(0).toUpperCase() + rest.slice(1) };
  }
  if (LABELLED.some((pattern) => pattern.test(body)) && body.split(' ').length >= LABELLED_MIN_WORDS) {
    const rest = original.slice(lead.length).trim();
    return { rest: rest.charAt(0).toUpperCase() + rest.slice(1) };
  }
  if (MID_OPENING.test(folded) && !QUESTION_WORDS.test(body) && original.split(' ').length >= 6) return { rest: original };
  return undefined;
}

/**
 * The table first; where words are not enough, a classifier trained on example wordings
 * (data/shared/conversation.json) with ordinary answers as a 'none' class. It decides only short
 * messages, and only when it is sure, so an answer at a prompt is not taken for a command.
 */
export type IntentReader = (text: string, options?: { tableOnly?: boolean }) => ConversationIntent | undefined;

export function createIntentReader(examples?: ConversationExamples, cache?: ModelCache): IntentReader {
  const sets = Object.entries(examples?.examples ?? {});
  if (sets.length < 2) return (text) => conversationIntent(text);
  const classifier = trainClassifier(
    sets.map(([label, set]) => ({ label, examples: [...set.sv, ...set.en], keywords: [] })),
    { epochs: 40, ...(cache ? { cache } : {}) },
  );
  const known = new Set<string>(conversationIntents);
  return (text, options = {}) => {
    const fromTable = conversationIntent(text);
    if (fromTable || options.tableOnly) return fromTable;
    // "Förslag!" opens a suggestion; it is not "mina förslag".
    if (feedbackOpening(text)) return undefined;
    const folded = normalize(text);
    const words = folded.split(' ').filter(Boolean).length;
    if (words === 0 || words > 6) return undefined;
    const { scored, coverage } = classifier.classify(text);
    const top = scored[0];
    if (!top || top.label === 'none' || !known.has(top.label) || top.probability < CLASSIFIER_SURE || coverage < 0.5) return undefined;
    // "It's a suggestion" answers a prompt; only "my/mina …" asks for the user's own.
    if (top.label === 'my-suggestions' && !/\b(my|mine|mina|mitt|min|vara|our)\b/.test(folded)) return undefined;
    return top.label as ConversationIntent;
  };
}

/** How sure the classifier must be before a short message counts as a command. */
export const CLASSIFIER_SURE = 0.7;
