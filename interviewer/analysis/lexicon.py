"""Word lists and patterns the offline analyser reads. Reviewed like code: each list says why.

The patterns look for *substance*: an action the candidate took, a number attached to a unit,
a named alternative, an outcome verb next to a measure. Bare keywords are not enough.
"""

from __future__ import annotations

import re
from typing import Any


class _Lower:
    """A case-insensitive pattern that lowercases its input instead of using re.IGNORECASE.

    Python's re compares case-folded characters slowly; lowercasing once and matching a
    lowercase pattern gives identical results about twice as fast (scoring must do 200
    answers a second on one core).
    """

    __slots__ = ("pattern",)

    def __init__(self, pattern: str) -> None:
        # Lowercase literal letters only; escapes such as \S or \W keep their case.
        self.pattern = re.compile(re.sub(r"(?<!\\)[A-Z]", lambda m: m.group().lower(), pattern))

    def search(self, text: str) -> re.Match[str] | None:
        # Lowering a sentence costs well under a microsecond; no cache, so threads never share one.
        return self.pattern.search(text.lower())

    def findall(self, text: str) -> list[Any]:
        return self.pattern.findall(text.lower())


def _rx(pattern: str) -> _Lower:
    return _Lower(pattern)


# --- specificity -------------------------------------------------------------------------------
UNITS = (
    r"k|m|b|bn|ms|µs|us|ns|s|sec|secs|seconds?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|"
    r"months?|years?|quarters?|sprints?|%|percent|x|gb|mb|tb|kb|pb|gib|mib|rps|qps|tps|"
    r"req/s|requests?|reqs|users?|customers?|clients?|engineers?|developers?|devs|people|"
    r"folks|services?|microservices|nodes?|servers?|machines?|hosts?|instances?|pods?|"
    r"containers?|shards?|partitions?|replicas?|regions?|zones?|tables?|rows?|records?|"
    r"documents?|events?|messages?|jobs?|tasks?|tickets?|incidents?|outages?|pages?|alerts?|"
    r"lines?|loc|tests?|commits?|prs?|releases?|deploys?|deployments?|million|millions|"
    r"billion|thousand|hundred|dollars?|usd|eur|euros?|teams?|calls?|queries|writes|reads|"
    r"transactions?|orders?|payments?|merchants?|tenants?|accounts?|files?|images?|"
    r"endpoints?|apis?|repos?|repositories|modules?|cores?|cpus?|gpus?|threads?|"
    r"connections?|sessions?|devices?|features?|models?|experiments?|candidates?|hires?|"
    r"interviews?|reports?|stories|points|steps?|stages?|times|fold|k/s|m/s|/s|/sec|/day|"
    r"children|kids|students|members|leaders|juniors|interns|volunteers|colleagues|"
    r"/month|/hour|per\s+\w+|a\s+(?:day|week|month|second|minute|year)"
)
NUMBER_WITH_UNIT = _rx(
    r"(?:[$€£]\s?\d[\d,.]*\s?(?:k|m|b|bn|million|billion)?\b)"
    r"|(?:\bp\d{2,3}\b)"
    r"|(?:\b\d[\d,.]*(?:\s?|-)(?:(?:more|fewer|new|extra|active|paying|daily|monthly|"
    r"concurrent|additional|million|thousand|billion|k|m)[\s-])?(?:" + UNITS + r")(?![a-z]))"
    r"|(?:\b\d[\d,.]*-(?:million|thousand|billion|row|node|line|person|day|week|month|year|"
    r"minute|second|hour|gb|tb|core)\b)"
    r"|(?:\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundred|a few|several|dozens of|hundreds of|thousands of|millions of)\s+"
    r"(?:[a-z]+\s+)?(?:engineers|people|children|kids|students|members|leaders|juniors|interns|"
    r"minutes|years|sprints|quarters|developers|colleagues|volunteers|clients||services|customers|users|teams|weeks|months|days|hours|nodes|"
    r"servers|regions|shards|tables|incidents|outages|releases|reports|hires|candidates|"
    r"merchants|tenants|requests|million|thousand)\b)"
)
FROM_TO = _rx(
    r"\bfrom\s+(?:about\s+|around\s+|roughly\s+|~)?[$€£]?\d[\d,.]*\s?\S*\s+(?:down\s+|up\s+)?to\s+(?:about\s+|around\s+|~)?[$€£]?\d"
)
ANCHOR = _rx(
    r"\b(?:in|around|back in|during)\s+(?:early\s+|late\s+|mid[- ])?(?:19|20)\d\d\b"
    r"|\blast\s+(?:year|quarter|month|summer|winter|spring|autumn|fall|week|sprint)\b"
    r"|\bat\s+my\s+(?:previous|last|current|old|first|former)\s+(?:job|company|role|team|"
    r"employer|startup|workplace|internship|position)\b"
    r"|\b(?:when|while)\s+i\s+(?:was|worked)\s+(?:at|on|in)\b"
    r"|\bduring\s+my\s+(?:time|internship|first|last)\b"
    r"|\b(?:a|two|three|few|couple of)\s+(?:years?|months?|weeks?)\s+ago\b"
    r"|\bblack friday\b|\bcyber monday\b|\bon[- ]call\s+(?:shift|rotation|week)\b"
    r"|\b(?:at|in)\s+(?:my|our)\s+(?:team|company|startup|org|organisation|organization)\b"
)
SYSTEM_NOUNS = (
    r"service|pipeline|cluster|api|database|db|job|queue|endpoint|table|index|microservice|"
    r"monolith|app|application|dashboard|platform|library|module|worker|cron|migration|schema|"
    r"gateway|proxy|cache|layer|consumer|producer|topic|bucket|lambda|script|tool|sdk|client|"
    r"backend|frontend|repo|codebase|deploy|release|feature|flag|query|report|model|batch|"
    r"integration|webhook|scheduler|store|ledger|checkout|system|flow|page|form|screen"
)
NAMED_SYSTEM = _rx(
    r"\b(?:our|the|my|their|a|an|this|that)\s+(?!(?:whole|entire|new|good|bad|right|best|same|"
    r"other|big|large|small|main|overall|existing|current|different|typical|scalable|robust|"
    r"modern|simple|complex|proper|better|general|entire|great|critical|important|specific|"
    r"relevant|appropriate|next|first|last|single|certain|particular)\b)"
    r"(?:[\w.+#-]+\s+){1,2}(?:" + SYSTEM_NOUNS + r")s?\b"
)
TECH_TERMS = frozenset(
    """
kubernetes k8s docker kafka redis postgres postgresql mysql mongodb mongo terraform aws gcp azure
istio grpc graphql rest react python golang go java rust node nodejs node.js typescript
javascript elasticsearch cassandra dynamodb s3 lambda sqs sns rabbitmq prometheus grafana datadog
jenkins helm argo argocd spark airflow flink snowflake bigquery memcached nginx envoy celery
sidekiq django flask fastapi spring rails vault consul etcd zookeeper pytorch tensorflow langchain
openai llm llms jira splunk elk kibana sentry pagerduty opentelemetry jaeger ci/cd cicd
microservices serverless nosql sql html css vue angular next.js webpack ansible puppet chef
linkedin circleci gitlab github bitbucket kinesis firehose pubsub bigtable spanner cockroachdb
clickhouse druid pinot hadoop hive presto trino dbt looker tableau sagemaker mlflow kubeflow
ray triton vllm onnx huggingface transformers bert gpt claude kotlin swift scala c++ c# .net
haskell elixir erlang ruby php perl bash linux ubuntu debian cloudflare fastly akamai heroku
vercel netlify firebase supabase oauth jwt saml ldap okta auth0 keycloak stripe twilio sendgrid
datadog newrelic honeycomb lightstep vitess planetscale neo4j influxdb timescaledb questdb minio
ceph nfs zfs btrfs ebs efs ec2 ecs eks gke aks fargate cloudwatch cloudformation pulumi
bazel gradle maven npm yarn pnpm pip poetry pytest junit selenium cypress playwright jest
mocha storybook figma agile scrum kanban devops sre mlops gitops kubeflow microservice
""".split()
)
BUZZWORDS = frozenset(
    """
synergy synergies scalable robust cloud-native best-practices leverage leveraged leveraging
paradigm cutting-edge state-of-the-art ai-driven seamless seamlessly world-class holistic
innovative disruptive next-gen blazing enterprise-grade mission-critical battle-tested
game-changer rockstar ninja guru passionate dynamic proactive results-driven detail-oriented
microservices microservice event-driven scalability scalable reliability availability agile
okrs okr kpis north-star self-starter ddd cqrs hexagonal cloud-native devops mlops guardrails
serverless blockchain web3 ai-powered data-driven cutting-edge end-to-end full-stack
""".split()
)

# Particular detail: what exactly was keyed, sized, named or configured, or a quoted message.
DETAIL = _rx(
    r"\b(?:keyed|partitioned|sharded|indexed|bucketed|hashed) (?:by|on)\b|\bper[- ](?:user|tenant|"
    r"key|customer|device|request|region|account)\b|\b(?:ttl|timeout|window|limit|threshold|"
    r"batch size|pool size|retention) of\b|\bcalled\s+[\"'\u201c]|[\"'\u201c][^\"'\u201d]{3,60}"
    r"[\"'\u201d] error\b|\bthe (?:exact|specific|same|only) (?:query|line|row|table|endpoint|"
    r"column|field|key|request|version|commit)\b|\bstack trace\b|\bquery plan\b|\bflame ?graph\b"
)

# A told story: a subject and a past-tense verb ("I prepared", "he hadn't realised", "we lost").
IRREGULAR_PAST = (
    r"was|were|had|did|told|said|made|went|took|wrote|found|built|ran|saw|got|gave|thought|knew|"
    r"left|came|became|began|brought|bought|caught|chose|drove|fell|felt|forgot|heard|held|kept|"
    r"led|lost|meant|met|paid|put|read|rose|sent|set|sold|spent|spoke|stood|taught|understood|"
    r"won|broke|hit|cut|shut|let|quit|split|grew|threw|drew|dug|fought|hung|sat|slept|woke|"
    r"hadn't|didn't|wasn't|weren't|couldn't|wouldn't"
)
NARRATIVE = _rx(
    r"\b(?:I|we|he|she|they|my (?:team|manager|lead|colleague)|our (?:team|manager|lead|cto|ceo))\s+"
    # not "I am blocked", "we get stuck": a present-tense state, not a told event
    r"(?:(?!(?:am|is|are|be|get|gets|feel|feels)\b)\w+\s+){0,2}?(?:"
    + IRREGULAR_PAST
    + r"|(?!need|speed|feed|seed|bleed|breed|indeed)[a-z]{3,}ed)\b"
)
# A habit, not an occasion: "I always write down what I tried".
HABITUAL = _rx(r"\b(?:always|usually|normally|typically|generally|whenever|every time|often)\b")
GENERIC_YOU = _rx(
    r"\byou(?:'ll|'re|'d)?\s+(?:can|need|should|have|want|get|do|must|could|will|might|may|"
    r"are|use|make|see|know|just|always|never|then)\b|\bone should\b"
)

# Placeholders instead of the real thing: "option A over B", "service X", "foo".
PLACEHOLDER = _rx(
    r"\boption [ab12]\b|\b(?:service|system|tool|team|company|approach|framework) [xyz]\b|"
    r"\b[xyz] (?:over|instead of|vs\.?|versus) [xyz]\b|\bfoo\b|\bblah\b|\betc\. etc\b"
)

# --- ownership ---------------------------------------------------------------------------------
ACTION_VERBS = (
    r"decided|chose|choose|proposed|wrote|built|designed|led|owned|pushed|argued|convinced|"
    r"insisted|suggested|migrated|rewrote|refactored|debugged|traced|found|noticed|profiled|"
    r"added|removed|set up|introduced|implemented|fixed|rolled back|rolled it back|reverted|"
    r"paged|called|escalated|negotiated|mentored|paired|hired|fired|coached|volunteered|took|"
    r"started|drove|ran|organi[sz]ed|measured|benchmarked|shipped|deployed|split|moved|"
    r"replaced|picked|recommended|asked|told|flagged|raised|reached out|sat down|scheduled|"
    r"cut|dropped|killed|scoped|prototyped|spiked|reproduced|bisected|instrumented|automated|"
    r"documented|created|developed|launched|handled|managed|coordinated|investigated|"
    r"analy[sz]ed|identified|diagnosed|discovered|realised|realized|spotted|caught|tested|"
    r"reviewed|rewired|tuned|optimi[sz]ed|sharded|partitioned|cached|indexed|wrapped|"
    r"extracted|merged|patched|upgraded|downgraded|disabled|enabled|configured|rotated|"
    r"spent|spoke|talked|explained|presented|pitched|persuaded|delegated|"
    r"gave|sent|wrote up|drafted|interviewed|onboarded|hired|let go|promoted|challenged|"
    r"pushed back|disagreed|admitted|apologi[sz]ed|owned up|stepped in|stepped up|"
    r"made|opened|closed|filed|split up|broke|broke down|reframed|prioriti[sz]ed|"
    r"deprioriti[sz]ed|estimated|planned|mapped|sketched|traced|logged|wired|ported|"
    r"learned|learnt|read|studied|tried|chased|aligned|agreed|built out|kicked off|"
    r"put|kept|reduced|increased|improved|saved|stopped|avoided|prevented|solved|resolved"
)
# Verbs saying what a system or a step does: a sentence naming tools *and* these describes a
# design or a pipeline; one naming tools without them is a list.
FUNCTION_VERBS = _rx(
    r"\b(?:collect|stream|stor|cach|buffer|rout|queu|process|handl|pars|validat|transform|"
    r"aggregat|index|quer|expos|deploy|monitor|alert|retr|schedul|offload|batch|shard|"
    r"replicat|partition|enrich|filter|serv|balanc|scal|automat|design|buil|implement|migrat|"
    r"integrat|orchestrat|trigger|sync|publish|subscrib|consum|produc|persist|read|writ|"
    r"invalidat|expir|evict|compress|encrypt|authenticat|authoriz|log|trac|measur|test|"
    r"combin|reduc|ensur|detect|recover|fail|throttl|limit)\w*"
)
# "I" with any verb of doing ("I sat with him", "I manage 60 kids"), and non-native forms
# ("I am responsible of", "I was choose"): ownership, weaker than a named decision or action.
OWNERSHIP_LOOSE = _rx(
    r"\bI\s+(?:(?:also|then|personally|usually|always|still|really)\s+)?(?!(?:think|believe|feel|"
    r"guess|hope|would|will|can|could|should|might|may|must|am|was|were|have|had|do|did|"
    r"don't|didn't|mean|know|like|love|want|wish|see|agree|suppose|assume|heard|not)\b)"
    r"[a-z]{3,}(?:ed|s)?\b|\bI(?:'m| am| was)\s+(?:responsible|in charge|leading|managing|"
    r"owning|the (?:lead|owner))\b|\bI\s+was\s+(?:choose|decide|build|make|lead|fix|write|"
    r"take|manage|organi[sz]e)\b"
)
OWNERSHIP = _rx(
    r"\bI\s+(?:(?:then|also|personally|quickly|eventually|finally|first|immediately|actually|"
    r"just|myself|initially|later|ultimately|deliberately|carefully|still)\s+)?"
    r"(?:" + ACTION_VERBS + r")\b"
    r"|\bmy\s+(?:decision|call|idea|proposal|responsibility|fault|mistake|change|design|"
    r"plan|approach|suggestion|recommendation|pr|patch|fix|code|script|rfc|doc|role was|job was)\b"
    r"|\bI\s+was\s+(?:responsible|the one|on[- ]call|the owner|the lead|tasked|accountable|"
    r"in charge|the tech lead|the only)\b"
    r"|\bI\s+(?:had|needed)\s+to\s+(?:decide|choose|convince|fix|lead|rewrite|debug|own)\b"
    r"|\bI\s+(?:own(?:ed)?|lead|led|run|ran|drove|manage[d]?)\s+(?:the|our|a|this|that)\b"
    r"|\b(?:rule|process|practice|policy|check|habit) I (?:enforce|introduced|set|follow|run|use)\b"
    r"|\bI (?:always |usually |now )?(?:enforce|insist on|require|mentor|maintain|review every|"
    r"push for|ask for|set up)\b"
    r"|\bI\s+(?:then\s+|also\s+|first\s+|personally\s+)?(?!used to|liked|loved|wanted|hoped|felt|"
    r"seemed|needed|tried to|guessed|assumed|believed|noticed nothing)[a-z]{3,}ed\b"
)
HYPOTHETICAL_OWNERSHIP = _rx(
    r"\bI(?:'d|\s+would|'ll|\s+will|\s+should)\s+(?:probably\s+|first\s+|then\s+|also\s+|"
    r"definitely\s+|likely\s+|still\s+)?(?:start|pick|choose|use|go with|put|shard|partition|"
    r"cache|store|keep|add|split|design|propose|recommend|prioriti[sz]e|avoid|push back|ask|"
    r"measure|build|run|deploy|introduce|set|make|model|index|replicate|rate[- ]limit|queue|"
    r"batch|limit|return|expose|log|alert|monitor|test|roll out|begin|want|lean|default|"
    r"favo(?:u)?r|reject|skip|write|estimate|assume|separate|isolate|hash|route|drop|retry)\b"
    r"|\bmy\s+(?:first\s+step|approach|recommendation|choice|default|instinct|proposal)\b"
    r"|\bI\s+(?:always\s+|usually\s+|typically\s+|first\s+|then\s+|also\s+)?(?:keep|give|score|"
    r"timebox|start|check|write|review|ask|make|track|block|split|pair|run|set|pick|look at|"
    r"prioriti[sz]e|schedule|protect|move|push|rotate|insist|default to)\b"
)
FIRST_PERSON = _rx(r"\bI\b|\bmy\b|\bme\b")

# --- reasoning ---------------------------------------------------------------------------------
REASON_ALTERNATIVE = _rx(
    r"\btrad(?:es?|ing) (?:\w+ ){1,3}for\b|\bnot (?:\w+ ){0,2}\w+, but\b|\bbeats? (?:a|an|the)\b|"
    r"\b(?:two|three|four|several|a few) (?:options|alternatives|approaches|choices)\b|\boptions?:|"
    r"\binstead of\b|\brather than\b|\bas opposed to\b|\bat the cost of\b|\btrade[- ]?offs?\b|"
    r"\bthe (?:downside|upside|catch|cost|drawback)\b|\bdownsides?\b|\bdrawbacks?\b|"
    r"\b(?:I|we) (?:considered|evaluated|compared|weighed|looked at|ruled out|rejected|"
    r"prototyped both|tried both)\b|\bruled (?:it |that )?out\b|\bvs\.?\b|\bversus\b|"
    r"\bcompared (?:to|with)\b|\bpros and cons\b|\bit depends on\b|\bdepends on (?:whether|"
    r"how|the|what|if)\b|\bthe alternative\b|\balternatives?\b|\bone option\b|\bthe other option\b|"
    r"\bwe could have\b|\bI could have\b|\bon the other hand\b|\bwasn't worth\b|\bnot worth\b|"
    r"\bover (?:a |an |the )?(?:[\w-]+ ){0,3}(?:because|since|as)\b|"
    r"\b(?:pick|picked|chose|choose|prefer|preferred|went with|go with|favou?r|use|used)\b[^.]{0,60}\bover\b|\bcheaper than\b|\bsimpler than\b|\bsafer than\b|"
    r"\bfaster than\b|\bslower than\b|\bin exchange for\b|\bwhich (?:means|meant) we (?:lose|lost|give|gave)\b"
)
REASON_JUSTIFIED = _rx(
    r"\bdeliberately\b|\bintentionally\b|\bon purpose\b|\b(?:didn't|did not|chose not to) "
    r"(?:use|go with|build|add)\b|\bdecided against\b|\bworst case\b|\bavoids? (?:a|an|the|another)\b|"
    r"\bthe (?:problem|issue|root cause|cause|catch) (?:is|was)\b|\bwhat convinced\b|"
    r"\b(?:I|we) (?:disagreed|thought|argued|pushed back|chose|decided|preferred|objected|"
    r"recommended|proposed|insisted)\b[^.;]{0,40}:|\b(?:his|her|their|the) (?:argument|point|concern|"
    r"reasoning|worry) was\b|\bfair point\b|\bwas fair\b|\bbefore deciding\b|\bto decide\b|"
    r"\bcosts? (?:\w+ ){0,5}but\b|\b(?:pays?|paid) off\b|\bworth (?:it|the)\b|\bat the (?:expense|price) of\b|"
    r", not (?:a|an|the)\b|\bnot because\b|\bthe (?:risk|concern|worry|danger) (?:was|is|being)\b|"
    r"\bnone of us\b|\bnobody (?:needed|used|wanted)\b|\bthe only (?:consumer|user|reason|thing)\b|"
    r"\bif (?:we|I) (?:had|did|didn't|don't|do)\b[^.]{0,60}\b(?:would|we'd|I'd|then)\b|\bwhich would\b"
)
REASON_CAUSAL = _rx(
    r"\bbecause\b|\bsince (?!\d)|\bso that\b|\bin order to\b|\bthe reason\b|\bwhich is why\b|"
    r"\bthat's why\b|\bthat is why\b|\bgiven (?:that|the)\b|\bconstraints?\b|\bthe risk (?:was|is)\b|"
    r"\botherwise\b|\bwhich meant\b|\bmeaning (?:that)?\b|\bthe problem with\b|\bcouldn't afford\b|"
    r"\bto avoid\b|\bto keep\b|\bto reduce\b|\bthe goal was\b|\bbottleneck\b|\bdue to\b|"
    r"\bif we\b.*\bthen\b|\bwe needed\b|\bwe had to\b|\bthe requirement\b|\bbecause of\b|\bso\s+(?:we|I)\b"
)

# --- impact ------------------------------------------------------------------------------------
OUTCOME = _rx(
    r"\b(?:reduced|reduces|cut|dropped|drops|decreased|lowered|improved|improves|increased|"
    r"grew|saved|saves|sped up|halved|doubled|tripled|fell|eliminated|prevented|avoided|"
    r"stopped|resolved|recovered|restored|retained|renewed|won|unblocked|shrank|shrunk|"
    r"went (?:from|down|up)|brought (?:\w+\s+){0,3}(?:down|up|to)|came down|"
    r"got (?:\w+\s+){0,2}(?:down|up) to|down to|from [$€£~]?\d\S* to)\b"
    r"|\bas a result\b|\bthe result(?:s)? (?:was|were)\b|\bthe outcome\b|\bended up\b|"
    r"\bwent to\b|\bstayed (?:under|below|above|at|flat)\b|\bno (?:[\w-]+ ){0,2}(?:outages?|incidents?|"
    r"pages|downtime|regressions?|complaints)\b|\b(?:didn't|did not|never) happen(?:ed)? (?:again|anymore)\b|"
    r"\bhas been (?:flat|stable|fine|quiet)\b|\bstill (?:fine|running|stable)\b|\bnone (?:churned|left)\b|"
    r"\bsince then\b|\bno (?:more|further) (?:incidents|pages|outages|complaints|tickets)\b|"
    r"\bzero (?:incidents|downtime|pages|outages|data loss)\b|\bshipped (?:on time|it|the)\b|"
    r"\blaunched\b|\bdelivered\b|\bsuccessfully\b|\b(?:went|worked|turned out) (?:really )?well\b|"
    r"\bbecame (?:a |the |our )?(?:\w+ )?(?:standard|default|norm|practice|template)\b|"
    r"\b(?:was|got|were) adopted\b|\b(?:is|are) (?:still )?(?:now )?used (?:by|across|in)\b|"
    r"\bused to take\b|\bno longer\b|\bthe (?:customer|client|team) (?:renewed|"
    r"signed|adopted|stayed)\b|\bpromoted\b|\bhit (?:the|our) (?:target|deadline|slo)\b"
)
METRIC_NOUN = _rx(
    r"\b(?:latency|p\d\d|throughput|error rate|errors|cost|costs|bill|spend|revenue|conversion|"
    r"churn|retention|uptime|availability|downtime|incidents|pages|tickets|build time|"
    r"deploy time|lead time|mttr|mttd|time to|load time|response time|cpu|memory|"
    r"hit rate|miss rate|accuracy|precision|recall|f1|auc|nps|csat|signups|users|"
    r"customers|sla|slo|budget|velocity|cycle time|onboarding time|attrition|turnover|"
    r"queue depth|lag|backlog|storage|disk|traffic|requests|qps|rps)\b"
)
DESIGN_MEASURE = _rx(
    r"\b(?:I'd|I would|we'd|we would) (?:measure|track|watch|monitor|alert on)\b|"
    r"\bsuccess (?:looks like|means|metric)\b|\bslos?\b|\bp99 (?:under|below|of)\b|"
    r"\bbudget of\b|\btarget(?:ing)? (?:of|under|below)\b"
)

# --- reflection --------------------------------------------------------------------------------
REFLECTION = _rx(
    r"\bin hindsight\b|\blooking back\b|\bin retrospect\b|\blessons?\b|"
    r"\bI (?:also |really |quickly )?(?:learned|learnt|learn)\b|\bwhat I learn\b|"
    r"\bmade me (?:a )?(?:better|more|less)\b|\bI(?:'d| would) now\b|\bI(?:'ll| will) (?:always|never)\b|"
    r"\bwe (?:learned|learnt)\b|\btaught me\b|\bnext time,? (?:I|we)\b|\b(?:I|we) (?:should|could|would) "
    r"have\b|\b(?:I|we)(?:'d| would) (?:do|change|approach) (?:\w+ )?differently\b|"
    r"\bdo (?:it |things |that )?differently\b|\bif I (?:did|were to do|had to do|could do|"
    r"started) (?:it|this|that|over)?\s?(?:again|over|today)?\b|\bmistakes?\b|\bregrets?\b|"
    r"\bnow I (?:always|make sure|start|ask|insist|push|try|write|check)\b|\bsince then I\b|"
    r"\b(?:now|today|these days|since then|nowadays),? I(?:'d|'ve| would| always| make| do| ask| check| start| alert| write| push| try| insist| default| keep| review)\b|"
    r"\bsince then\b|\bI(?:'d| would) (?:\w+ ){0,5}(?:sooner|earlier|differently|from the start|from day one)\b|"
    r"\bI (?:\w+ ){0,4}(?:faster|better|earlier|sooner|more carefully) now\b|\bI(?:'ve| have) (?:since|started|learned|learnt|changed)\b|"
    r"\bwhat I'd (?:do|change)\b|\bwhat I learned\b|\bI still (?:want|need)\b|\bI distrust\b|"
    r"\btakeaway\b|\bin the future I\b|\bwhat I'd change\b|\bI underestimated\b|"
    r"\bI overestimated\b|\bI wish\b|\bI was wrong\b|\bmy fault\b|\bwhat I got wrong\b|"
    r"\bwhat went wrong\b|\bwouldn't do\b|\bwith more time\b|\bif I had more time\b|"
    r"\bI've since\b|\bchanged how I\b|\bI now\b|\bthese days I\b|\btoday I would\b"
)
# Lessons with no content: "I learned a lot", "it was a good learning".
WEAK_REFLECTION = _rx(
    r"\b(?:learned|learnt|taught me) (?:a lot|so much|many things)\b|\bgood learning\b|"
    r"\blearned that you (?:need|should|have)\b|\blessons? learned\b|\b(?:better|cleaner|nicer) and "
    r"(?:better|cleaner|nicer)\b|\bmore features\b"
)
DESIGN_REFLECTION = _rx(
    r"\b(?:breaks?|fails?) first\b|\bweak (?:point|spot)\b|\bfailure modes?\b|\bif (?:that|this|it) "
    r"(?:fails|doesn't work|breaks|becomes)\b|\bI'd revisit\b|\bthe risk (?:here )?is\b|"
    r"\bthe bottleneck (?:will|would)\b|\bwhere this (?:breaks|falls over)\b|\blimitations?\b|"
    r"\bwhat could go wrong\b|\bat (?:10x|higher) (?:scale|traffic)\b"
)

# "I haven't run it in production": a statement of not having done it, never evidence of it.
NOT_DONE_EXPERIENCE = _rx(
    r"\bi (?:have ?n'?t|have not|have never|'ve not|never|did ?n'?t (?:get to|have the chance)|"
    r"do ?n'?t have (?:much |any |real |hands-on )?experience)\b|"
    r"\bi'?ve never\b|\bnever (?:used|worked with|done|run|built|had|touched|been in|faced)\b|"
    r"\bno (?:real |hands-on |production |practical )?experience (?:with|in|of)\b|"
    r"\bi'?m not (?:familiar|experienced) with\b|\bnot something i'?ve\b"
)

# --- clarity and padding ------------------------------------------------------------------------
FILLERS = _rx(
    r"\b(?:um+|uh+|erm|like,|you know|basically|kind of|sort of|i mean|stuff|things like that|whatever|etc)\b"
)
STRUCTURE = _rx(
    r"^(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next|finally|so|the situation|the problem|"
    r"the result|in short|to summari[sz]e|step \d|the context|my role|what I did|the outcome)\b"
)
PLATITUDE = _rx(
    r"\bcommunication is (?:key|important|everything)\b|\bat the end of the day\b|"
    r"\bit'?s (?:really |very |super |always |so )?(?:important|crucial|essential|key|vital)\b|"
    r"\bbest practices?\b|\bteam ?work\b|\bteam player\b|\bthink outside the box\b|\bsynergy\b|"
    r"\bpassionate\b|\bperfectionist\b|\bwork (?:too )?hard\b|\balways (?:try|strive|make sure|"
    r"keep|put|think)\b|\bin general\b|\bgenerally speaking\b|\bit depends on the (?:situation|"
    r"context|case)\b|\bwin[- ]win\b|\bgrowth mindset\b|\bcustomer[- ]first\b|\bthe user first\b|"
    r"\bmove fast\b|\bcontinuous improvement\b|\bquality (?:matters|is important)\b|"
    r"\bmakes? (?:all )?the difference\b|\bkeep it simple\b|\bthere are many (?:ways|factors)\b|"
    r"\bevery (?:team|company|situation) is different\b|\byou (?:have to|need to|should|must)\b|"
    r"\bis (?:all )?about (?:trade-?offs|balance|people|communication|the customer|value)\b|"
    r"\b(?:core|personal) values?\b|\bkeep (?:\w+ ){1,4}in mind\b|\bmindset\b|"
    r"\b(?:really|truly|deeply) care about\b|\bwhat matters (?:most )?is\b|\bis key\b"
)
GENERIC_MODAL = _rx(
    r"\b(?:always|never|usually|typically|generally|normally|often|should|need to|must|"
    r"important|key|crucial|essential|make sure|ideally|in general|various|many|lots of|"
    r"a lot of|things|stuff|everyone|people)\b"
)
EVASIVE = _rx(
    r"^\W*(?:i (?:don'?t|do not) know|i'?d rather not|no comment|pass|skip|next question|"
    r"not sure|can'?t remember|i (?:can'?t|cannot) (?:say|remember|recall|think of)|"
    r"nothing (?:comes to mind|really)|i have(?:n'?t| not) (?:done|had|worked)|no idea|n/?a|idk|"
    r"dunno|nope|none)\b"
)

# --- steering attempts (prompt injection) ------------------------------------------------------
INJECTION = _rx(
    # "ignore the above", "disregard everything before this": aimed at a model, never an answer
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+|the\s+)?(?:above|previous|prior|"
    r"preceding|earlier)\b(?!\s+(?:\w+\s+)?(?:errors?|warnings?|alerts?|tests?|failures?))"
    r"|\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|previous\s+|"
    r"prior\s+|above\s+|earlier\s+|these\s+|those\s+|my\s+)*(?:instructions?|rubrics?|rules|prompts?|"
    r"guidelines|criteria|scoring|system|directions|constraints)\b"
    r"|\b(?:give|rate|score|grade|mark|assign|award)\s+(?:this|me|my|the|it|him|her|them)?\s*"
    r"(?:answer|response|candidate|interview|transcript)?\s*(?:a|an|as|with)?\s*(?:perfect|"
    r"full|maximum|max|top|5|five|10|ten|100|outstanding|excellent|exceptional|strong hire)\b"
    r"|\b(?:you|the (?:grader|evaluator|scorer|interviewer|model|ai|assistant))\s+(?:must|should|"
    r"will|shall|are required to|have to)\s+(?:rate|score|grade|give|mark|award|pass|end)\b"
    r"|\bas (?:the|an|a) (?:ai|evaluator|grader|scorer|interviewer|language model|assistant)\b"
    r"|^\s*(?:system|assistant|developer)\s*:|\[\s*system\s*\]|<\s*/?\s*system\s*>|<\|im_start\|>"
    r"|\bnew instructions?\b|\bperfect score\b|\bfull marks\b|\b5\s*/\s*5\b|\b10\s*/\s*10\b|"
    r"\bscore\s*[:=]\s*5\b|\bend the interview\b|\bjailbreak\b|\bdeveloper mode\b|"
    r"\bpretend (?:you are|to be)\b|\bact as\b|\byou are now\b|\brubric says\b|"
    r"\bthe candidate (?:is|was) (?:excellent|outstanding|exceptional|perfect)\b"
    # asking to see what the scorer works from, or the score itself
    r"|(?:^\s*|\b(?:please|also|now|just|then|and|can you|could you)\s+)(?:print|show|reveal|"
    r"tell|give|share|output|display|paste|list)\s+(?:me\s+|us\s+)?(?:the|your)\s+"
    r"(?:rubric|scoring|grading|model answer|ideal answer|system prompt|hidden prompt|"
    r"instructions)\b|\b(?:print|show|reveal|tell|give|share|output|display|paste|list)\s+"
    r"(?:me|us)\s+(?:the|your)\s+(?:rubric|scoring|grading|model answer|ideal answer|"
    r"system prompt|hidden prompt|instructions)\b|\bwhat(?:'s|’s| is| are)\s+my\s+(?:scores?|ratings?|"
    r"grades?|marks)\b|\bwhat a good answer (?:contains|includes|looks like)\b"
)

# Broader steering: talk of scores aimed at whoever grades the answer.
STEERING = _rx(
    # A score word aimed at someone or something ("rate this a 5", "mark me as excellent"),
    # never a measurement ("the error rate went from 10% to 0.2%").
    r"\b(?:score|rate|grade|mark|rating|marks|record|treat)\s+(?:this|me|my|it|the answer|"
    r"the response|him|her|them|us|as|at|with|a|an)\b[^.]{0,50}\b(?:5|five|10|maximum|max|"
    r"highest|top|full|perfect|outstanding|excellent|exemplary)\b(?!\s*(?:%|percent|ms|x\b))"
    r"|\b(?:give|assign|award|record)\b[^.]{0,30}\b(?:5|five|full marks|maximum|highest|top marks)\b"
    r"|\b(?:grader|evaluator|scorer|assessor|rater|scoring|system prompt|automated|the ai|an ai|"
    r"assistant|language model)\b[^.]{0,80}\b(?:score|rate|rating|grade|mark|rubric|criteri\w*|"
    r"dimensions|override|instruction\w*|respond|output|treat|must|should|please)\b"
    r"|\b(?:this|my) (?:answer|response)\b[^.]{0,60}\b(?:score|rating|rated|graded|a 5|5/5|model "
    r"answer|exemplary|full marks|highest)\b"
    r"|\b\d+\s*out of\s*\d+\b[^.]{0,40}\b(?:answer|response|please|record)\b"
    r"|\b(?:override|evaluation[- ]override|scoring mode)\b|<!--"
)

# Words that say nothing about a question's subject; left out of relevance matching.
STOPWORDS = frozenset(
    """
a an the and or but if then else of to in on at by for with from as into onto about over under
is are was were be been being am do does did done doing have has had having i me my mine we us
our ours you your yours he him his she her they them their it its this that these those there
here what which who whom whose when where why how would could should will shall can may might
must not no yes so than too very just also only even still more most much many some any all
each every both either neither one two few several such own same other another out up down off
again further once whether while during before after above below between through again ever
tell describe walk explain talk give share think thought know let let's us like want need get
got make made go went take took see saw say said way ways thing things something anything
time times example situation experience recent recently most last first give describe approach
please kind sort really actually basically lot lots well good bad better best new old part
e.g i.e etc vs
""".split()
)
