// Plausible, varied headlines. Realistic word overlap matters: the story desk matches every new article with
// stored ones by the words they share (lib/domain/story-matching), and "Fixture story 12 from feed" titles,
// which all share their words, would make that matching unrepresentative.
import { prng } from "./util";

const SUBJECTS = "Council,Minister,Central bank,Union,Court,Regulator,Senate,Mayor,Police,Airline,Hospital,University,Coalition,Opposition,Startup,Carmaker,Chipmaker,Retailer,Insurer,Utility,Studio,League,Club,Scientists,Researchers,Farmers,Teachers,Nurses,Doctors,Pilots,Residents,Investors,Prosecutors,Lawmakers,Voters,Officials,Engineers,Museum,Orchestra,Refinery".split(",");
const VERBS = "approves,rejects,delays,unveils,expands,cuts,raises,probes,backs,blocks,suspends,launches,revives,settles,challenges,extends,defends,warns over,halts,signs,scraps,reviews,doubles,trims,freezes,restores,announces,questions,funds,debates".split(",");
const OBJECTS = "budget,merger,strike,rate rise,tariff plan,housing bill,rail link,tax reform,pension deal,water rights,vaccine rollout,port expansion,wind farm,data law,rescue package,wage offer,trade pact,school funding,flood defences,airport runway,drug pricing,privacy rules,bond sale,election map,mining permit,fishing quota,climate target,border checks,film festival,stadium deal,transfer fee,satellite launch,bridge repair,grid upgrade,ceasefire talks,hiring freeze,price cap,loan scheme,heat plan,court ruling".split(",");
const TAILS = "after long talks,as costs climb,amid protests,in surprise move,ahead of vote,despite warnings,for third year,before winter,after review,as deadline nears,in landmark case,under pressure,after outage,following inquiry,as demand surges,in tight race,after storm,at summit,in new report,after leak".split(",");
const PLACES = "in Lisbon,in Oslo,in Nairobi,in Lima,in Osaka,in Leeds,in Porto,in Tartu,in Perth,in Quebec,in Dakar,in Cork,in Bergen,in Seville,in Austin,in Gdansk,in Malmo,in Accra,in Brno,in Pune".split(",");

export function headlineGenerator(seed = 1) {
  const random = prng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  return (): string => {
    const parts = [pick(SUBJECTS), pick(VERBS), pick(OBJECTS)];
    if (random() < 0.6) parts.push(pick(PLACES));
    if (random() < 0.5) parts.push(pick(TAILS));
    return parts.join(" ");
  };
}

export function summaryFor(title: string): string {
  return `${title}. Officials said more details would follow later in the day, and that the decision would be reviewed at the next regular session.`;
}
