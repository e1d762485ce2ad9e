//! Many reads of one kind answered by its list endpoint, when that is
//! cheaper; and reads made ahead of Terraform, when they are sure to come.
//!
//! Terraform reads every resource on its own (`ReadResource`), so an estate
//! of 400 accounts costs 400 `GET /accounts/{id}`: past Cloudflare's budget
//! of 1,200 requests per 5 minutes after three plans. `GET /accounts`
//! answers 50 at a time. Whether the list is cheaper depends on how many of
//! its objects this run reads, which nobody knows in advance, so the choice
//! is made like renting skis until they would have been paid for:
//!
//! - the first read of a collection is a single GET;
//! - the second fetches the list's first page, whose `result_info` tells how
//!   many pages it has (a one-page list is then complete);
//! - reads go on as single GETs until they number as many as the list has
//!   pages; then the rest of the list is fetched, and every later read is
//!   answered from it.
//!
//! So a run never pays more than about twice the cheaper of the two ways,
//! whatever the estate's shape. What a list gives is exactly what the single
//! GET gives (the same objects; tested), fetched during this run (the
//! provider process lives for one Terraform operation), and forgotten on any
//! write. An object missing from a complete list is confirmed with a single
//! GET (a page that shifted while it was read must not make an object look
//! deleted); only its 404 reads as gone.
//!
//! Some reads cannot be coalesced: the members of an account are one list
//! per account, and a zone's plan has no list at all. Each waits for its
//! parent (the account, the zone) and then holds one of Terraform's
//! `-parallelism` slots for a round trip, so they set the pace of a large
//! plan. Those are read ahead ([`Children`]): once this run reads the
//! children of some parent, the children of the other parents it has read
//! are fetched in the background, at most [`AHEAD_IN_FLIGHT`] at a time, and
//! answer Terraform's reads when they come. Which parents have children in
//! the configuration is unknown until the end (Terraform waits for every
//! instance of a parent resource, then reaches the children in no
//! particular order), so a read ahead may be a request spent for nothing.
//! The cost is bounded: the reads ahead of one kind number at most
//! [`AHEAD_START`] plus one for every [`READS_PER_READ_AHEAD`] reads of that
//! kind. An estate whose parents all have children then plans in about the
//! time its requests take (BENCHMARKS.md); one where few have pays at most
//! half as many requests again as its reads of children. A read arriving
//! while its own read ahead is in flight waits for it rather than asking
//! twice; a read ahead that fails is dropped, and the read asks for itself.

use super::envelope::ResultInfo;
use super::{ApiError, Client, Request, MAX_PAGES};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Reads made ahead of Terraform in flight at once, beside Terraform's own.
pub const AHEAD_IN_FLIGHT: usize = 16;
/// Reads ahead of one kind, at most: this many,
pub const AHEAD_START: usize = 2;
/// plus one for every this many reads of that kind.
pub const READS_PER_READ_AHEAD: usize = 2;

/// A list endpoint that answers single reads.
pub struct Collection {
    /// E.g. `/accounts`, `/accounts/{id}/members`.
    pub path: String,
    /// Objects per page (the endpoint's maximum); `None` for a list that is
    /// one page.
    pub per_page: Option<u32>,
    /// The field that names an object (`id`, unless said otherwise).
    pub key: &'static str,
}

impl Collection {
    pub fn paged(path: impl Into<String>, per_page: u32) -> Collection {
        Collection {
            path: path.into(),
            per_page: Some(per_page),
            key: "id",
        }
    }

    pub fn single_page(path: impl Into<String>) -> Collection {
        Collection {
            path: path.into(),
            per_page: None,
            key: "id",
        }
    }

    pub fn keyed_by(self, key: &'static str) -> Collection {
        Collection { key, ..self }
    }
}

/// Reads of one kind, each of the children of one parent that Terraform
/// reads first: the members of an account, the plan of a zone. `F` is what
/// the read of one parent's children fetches first: a [`Collection`] (its
/// list; read with [`Client::read_child`]) or the path of one object (read
/// with [`Client::get_child`]).
pub struct Children<F: 'static> {
    /// What they are, for the log: e.g. `member lists`.
    pub name: &'static str,
    /// The collection whose reads name the parents: `/accounts`, `/zones`.
    pub parents: &'static str,
    pub of: fn(&str) -> F,
}

/// A kind of children, whatever they are fetched as.
#[derive(Clone, Copy)]
enum Kind {
    Lists(&'static Children<Collection>),
    Objects(&'static Children<String>),
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Lists(c) => c.name,
            Kind::Objects(c) => c.name,
        }
    }
    fn parents(self) -> &'static str {
        match self {
            Kind::Lists(c) => c.parents,
            Kind::Objects(c) => c.parents,
        }
    }
}

/// What this run knows of one collection.
#[derive(Default)]
struct Known {
    /// Single GETs made so far.
    singles: u64,
    /// From the first page's `result_info`.
    total_pages: Option<u64>,
    pages: BTreeSet<u64>,
    /// Objects by id, from the pages fetched, as compact JSON: a fifth of
    /// the memory of a parsed `Value`, and parsed again only when read.
    objects: HashMap<String, Box<str>>,
    complete: bool,
    /// The list failed (e.g. the credentials may not list): singles only.
    unusable: bool,
}

impl Known {
    fn untouched(&self) -> bool {
        self.singles == 0 && self.pages.is_empty() && !self.unusable
    }
}

/// A GET made ahead: its result as compact JSON, or the API's "not found"
/// (which the read interprets: a zone without a plan record, say). Taken
/// by the first read of it.
type Slot = Option<Result<Box<str>, ApiError>>;

/// How far the reads of one kind have been read ahead.
struct Ahead {
    kind: Kind,
    /// Parents whose children were read.
    seen: HashSet<String>,
    /// Parents whose children were read ahead.
    fetched: HashSet<String>,
    /// How many of the parents (in the order they were read) were looked at.
    cursor: usize,
}

/// What one run knows; replaced on every write.
#[derive(Default)]
struct Run {
    collections: HashMap<String, Arc<Mutex<Known>>>,
    slots: HashMap<String, Arc<Mutex<Slot>>>,
    /// Ids found through each collection, in the order they were read.
    found: HashMap<String, Vec<String>>,
    ahead: HashMap<&'static str, Ahead>,
    in_flight: usize,
}

type SharedRun = Arc<std::sync::Mutex<Run>>;

fn lock(run: &SharedRun) -> std::sync::MutexGuard<'_, Run> {
    run.lock().unwrap_or_else(|p| p.into_inner())
}

/// A read ahead, started: it holds the lock its own read would wait on.
enum Started {
    List(Collection, OwnedMutexGuard<Known>),
    Object(String, OwnedMutexGuard<Slot>),
}

/// The lists and reads ahead of this run; forgotten on every write.
#[derive(Default)]
pub struct Coalescer {
    enabled: bool,
    run: std::sync::Mutex<SharedRun>,
}

/// Where a read is answered from.
enum Answer {
    Found(Box<str>),
    /// Not in the complete list: confirm with a single GET.
    Missing,
    Single,
}

impl Coalescer {
    pub fn new(enabled: bool) -> Coalescer {
        Coalescer {
            enabled,
            ..Coalescer::default()
        }
    }

    /// Forgets every list and read ahead: called around every write, so
    /// that nothing read afterwards predates it. Reads ahead still in
    /// flight finish into the run they were started in.
    pub fn forget(&self) {
        *self.run.lock().unwrap_or_else(|p| p.into_inner()) = SharedRun::default();
    }

    fn run(&self) -> SharedRun {
        self.run.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn known(&self, path: &str) -> Arc<Mutex<Known>> {
        lock(&self.run())
            .collections
            .entry(path.to_string())
            .or_default()
            .clone()
    }
}

impl Run {
    /// Reads ahead to start now: for each kind, the next parents read
    /// whose children were neither read nor read ahead, within the
    /// allowance of its kind and while fewer than [`AHEAD_IN_FLIGHT`] are in
    /// flight.
    fn next_reads_ahead(&mut self) -> Vec<Started> {
        let mut started = Vec::new();
        let Run {
            collections,
            slots,
            found,
            ahead,
            in_flight,
        } = self;
        for ahead in ahead.values_mut() {
            let Some(parents) = found.get(ahead.kind.parents()) else {
                continue;
            };
            while *in_flight < AHEAD_IN_FLIGHT
                && ahead.fetched.len() < AHEAD_START + ahead.seen.len() / READS_PER_READ_AHEAD
                && ahead.cursor < parents.len()
            {
                let parent = &parents[ahead.cursor];
                ahead.cursor += 1;
                if ahead.seen.contains(parent) || !ahead.fetched.insert(parent.clone()) {
                    continue;
                }
                // The lock is taken here, so that a read arriving before the
                // task runs waits for it; one already being read is left.
                let read = match ahead.kind {
                    Kind::Lists(children) => {
                        let list = (children.of)(parent);
                        let known = collections.entry(list.path.clone()).or_default();
                        match known.clone().try_lock_owned() {
                            Ok(known) if known.untouched() => Some(Started::List(list, known)),
                            _ => None,
                        }
                    }
                    Kind::Objects(children) => {
                        let path = (children.of)(parent);
                        let slot = slots.entry(path.clone()).or_default();
                        match slot.clone().try_lock_owned() {
                            Ok(slot) if slot.is_none() => Some(Started::Object(path, slot)),
                            _ => None,
                        }
                    }
                };
                if let Some(read) = read {
                    *in_flight += 1;
                    started.push(read);
                }
            }
        }
        started
    }
}

impl Client {
    /// One object by id, as `GET single` would give it (`None` when the API
    /// says it does not exist), answered from `collection` once that is
    /// cheaper (see the module documentation). `single: None` is an object
    /// only its list shows: the list is always read, once per run.
    pub async fn read_one<T: DeserializeOwned>(
        &self,
        single: Option<&str>,
        id: &str,
        collection: Collection,
    ) -> Result<Option<T>, ApiError> {
        let answer = match single {
            None => self.answer_through_list(&collection, id, true).await?,
            Some(_) if self.coalescer.enabled => {
                self.answer_through_list(&collection, id, false).await?
            }
            Some(_) => Answer::Single,
        };
        let found = match (answer, single) {
            (Answer::Found(json), _) => Some(super::decode::decode_str(
                &format!("GET {}", single.unwrap_or(&collection.path)),
                &json,
            )?),
            (Answer::Missing | Answer::Single, Some(single)) => self.get_if_exists(single).await?,
            (Answer::Missing | Answer::Single, None) => None,
        };
        if found.is_some() && self.coalescer.enabled {
            self.note_found(&collection.path, id);
        }
        Ok(found)
    }

    /// [`read_one`](Self::read_one) of a child of `parent`, read ahead when
    /// the children of other parents were read.
    pub async fn read_child<T: DeserializeOwned>(
        &self,
        children: &'static Children<Collection>,
        parent: &str,
        single: Option<&str>,
        id: &str,
    ) -> Result<Option<T>, ApiError> {
        self.note_child_read(Kind::Lists(children), parent);
        self.read_one(single, id, (children.of)(parent)).await
    }

    /// GET the one child of `parent`, answered by its read ahead when one
    /// was made.
    pub async fn get_child<T: DeserializeOwned>(
        &self,
        children: &'static Children<String>,
        parent: &str,
    ) -> Result<T, ApiError> {
        let path = (children.of)(parent);
        if !self.coalescer.enabled {
            return self.get(&path).await;
        }
        self.note_child_read(Kind::Objects(children), parent);
        let slot = lock(&self.coalescer.run()).slots.get(&path).cloned();
        let made_ahead = match slot {
            Some(slot) => slot.lock().await.take(),
            None => None,
        };
        match made_ahead {
            Some(Ok(json)) => super::decode::decode_str(&format!("GET {path}"), &json),
            Some(Err(not_found)) => Err(not_found),
            None => self.get(&path).await,
        }
    }

    /// `id` exists: the children of it may be read ahead.
    fn note_found(&self, collection: &str, id: &str) {
        let run = self.coalescer.run();
        let started = {
            let mut state = lock(&run);
            state
                .found
                .entry(collection.to_string())
                .or_default()
                .push(id.to_string());
            state.next_reads_ahead()
        };
        self.start_reads_ahead(&run, started);
    }

    fn note_child_read(&self, kind: Kind, parent: &str) {
        if !self.coalescer.enabled {
            return;
        }
        let run = self.coalescer.run();
        let started = {
            let mut state = lock(&run);
            let ahead = state.ahead.entry(kind.name()).or_insert_with(|| Ahead {
                kind,
                seen: HashSet::new(),
                fetched: HashSet::new(),
                cursor: 0,
            });
            ahead.seen.insert(parent.to_string());
            state.next_reads_ahead()
        };
        self.start_reads_ahead(&run, started);
    }

    fn start_reads_ahead(&self, run: &SharedRun, started: Vec<Started>) {
        for read in started {
            let client = self.clone();
            let run = run.clone();
            tokio::spawn(async move {
                client.read_ahead(read).await;
                let started = {
                    let mut state = lock(&run);
                    state.in_flight -= 1;
                    state.next_reads_ahead()
                };
                client.start_reads_ahead(&run, started);
            });
        }
    }

    async fn read_ahead(&self, read: Started) {
        match read {
            Started::List(list, mut known) => {
                tracing::debug!(list = %list.path, "reading ahead of Terraform");
                if let Err(e) = self.fetch_pages(&list, &[1], &mut known).await {
                    tracing::debug!(list = %list.path, error = %e, "read ahead failed; the read will ask itself");
                }
            }
            Started::Object(path, mut slot) => {
                tracing::debug!(path, "reading ahead of Terraform");
                *slot = match self.get::<Value>(&path).await {
                    Ok(v) => Some(Ok(v.to_string().into_boxed_str())),
                    Err(e) if e.is_not_found() => Some(Err(e)),
                    Err(e) => {
                        tracing::debug!(path, error = %e, "read ahead failed; the read will ask itself");
                        None
                    }
                };
            }
        }
    }

    async fn answer_through_list(
        &self,
        collection: &Collection,
        id: &str,
        always: bool,
    ) -> Result<Answer, ApiError> {
        let known = self.coalescer.known(&collection.path);
        let mut known = known.lock().await;
        if let Some(v) = known.objects.get(id) {
            return Ok(Answer::Found(v.clone()));
        }
        if known.complete {
            return Ok(Answer::Missing);
        }
        let fetched = if known.unusable {
            false
        } else if always || known.singles >= 1 {
            let pages = match (collection.per_page, known.total_pages) {
                (None, _) => Some(vec![1]),
                (Some(_), None) => Some(vec![1]),
                (Some(_), Some(total)) if known.singles + known.pages.len() as u64 >= total => {
                    Some((1..=total).filter(|p| !known.pages.contains(p)).collect())
                }
                _ => None,
            };
            match pages {
                Some(pages) => match self.fetch_pages(collection, &pages, &mut known).await {
                    Ok(()) => true,
                    // The list itself is gone (its account, say): so is
                    // every object only it shows.
                    Err(e) if always && e.is_not_found() => {
                        known.complete = true;
                        true
                    }
                    Err(e) if always => return Err(e),
                    Err(e) => {
                        tracing::info!(list = %collection.path, error = %e, "cannot read through the list; reading one by one");
                        known.unusable = true;
                        false
                    }
                },
                None => false,
            }
        } else {
            false
        };
        if fetched {
            if let Some(v) = known.objects.get(id) {
                return Ok(Answer::Found(v.clone()));
            }
            if known.complete {
                return Ok(Answer::Missing);
            }
        }
        known.singles += 1;
        Ok(Answer::Single)
    }

    /// Fetches `pages` at once (the first alone, when it must tell how many
    /// there are) and keeps their objects.
    async fn fetch_pages(
        &self,
        collection: &Collection,
        pages: &[u64],
        known: &mut Known,
    ) -> Result<(), ApiError> {
        let fetch = |page: u64| async move {
            let query: Vec<(&str, String)> = match collection.per_page {
                Some(per_page) => vec![
                    ("page", page.to_string()),
                    ("per_page", per_page.to_string()),
                ],
                None => Vec::new(),
            };
            // Each page is made compact as soon as it arrives, so that the
            // pages fetched at once are never all held parsed.
            // A list without items may be answered as `"result": null`.
            self.call::<Option<Vec<Value>>>(Request::get(&collection.path).query(&query))
                .await
                .map(|got| {
                    let objects: Vec<(String, Box<str>)> = got
                        .result
                        .into_iter()
                        .flatten()
                        .filter_map(|object| {
                            let id = object.get(collection.key)?.as_str()?.to_string();
                            Some((id, object.to_string().into_boxed_str()))
                        })
                        .collect();
                    (page, got.info, objects)
                })
        };
        let got = futures::future::try_join_all(pages.iter().map(|&page| fetch(page))).await?;
        for (page, info, objects) in got {
            let total = pages_in(collection, page, info.as_ref(), objects.len());
            if total > MAX_PAGES {
                return Err(ApiError::new(
                    format!("GET {}", collection.path),
                    super::ErrorKind::Decode,
                    format!("the list says it has {total} pages, more than the {MAX_PAGES} the provider reads"),
                ));
            }
            known.total_pages = Some(total);
            known.pages.insert(page);
            known.objects.extend(objects);
            known.complete = (1..=total).all(|p| known.pages.contains(&p));
        }
        tracing::debug!(list = %collection.path, pages = ?pages, objects = known.objects.len(), complete = known.complete, "read through the list");
        Ok(())
    }
}

/// How many pages a list has, as its page `page` tells: `result_info`
/// where it says; where it does not, a full page says there is at least
/// one more.
fn pages_in(collection: &Collection, page: u64, info: Option<&ResultInfo>, objects: usize) -> u64 {
    let total = match (collection.per_page, info) {
        (Some(per_page), Some(info)) => {
            info.last_page(per_page)
                .unwrap_or(if objects < per_page as usize {
                    page
                } else {
                    page + 1
                })
        }
        _ => 1,
    };
    total.max(1)
}
