/*
** web/access.h — who may see what: the one place access is decided.
**
** Two questions, both answered here and nowhere else:
**
**   1. May this set of roles use this route at all?  access_route_allowed()
**      reads the ACCESS of the route's record (web/page.h; the build refuses
**      a record without one); the router asks it before any handler runs.
**      The unit test walks every route as every role against its own table.
**
**   2. May this person see this learner's record?  access_can_view_learner()
**      decides by relationship, never by role alone:
**
**        administrator, school leader   every learner of their institution
**        teacher                        learners with an active enrolment in a
**                                       group they teach (group_staff, any role
**                                       there but 'key_worker')
**        key worker                     learners in their current caseload
**                                       (support_assignment rows not ended)
**                                       and learners a leader shared with
**                                       them (learner_share)
**        key worker, teacher,           the learners of the cases (not
**        team member                    closed) they are key worker of or on
**                                       the team of (support/case.h)
**        anyone else                    nobody (their rooms come later)
**        a disabled account             nobody, whatever its roles
**
**      Pages that list learners use the same rule as an SQL predicate
**      (access_learner_predicate), so a list never shows a row its detail
**      page would refuse.
**
** Roles are scoped to one institution (account_role); an access_ctx holds
** the roles of the account in its own institution (account.institution_id).
** The staff member an account is linked to (account.person_kind = 'staff')
** is what the relationships are looked up with.
*/
#ifndef CAIRN_WEB_ACCESS_H
#define CAIRN_WEB_ACCESS_H
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include "web/server.h"
#include <stdint.h>

/* ---- roles ---------------------------------------------------------------
** One bit per row of the role table (school/school_schema.c). */
enum {
    ACCESS_ROLE_ADMINISTRATOR    = 1u << 0,
    ACCESS_ROLE_SCHOOL_LEADER    = 1u << 1,
    ACCESS_ROLE_KEY_WORKER       = 1u << 2,
    ACCESS_ROLE_TEACHER          = 1u << 3,
    ACCESS_ROLE_TEAM_MEMBER      = 1u << 4,
    ACCESS_ROLE_LEARNER          = 1u << 5,
    ACCESS_ROLE_GUARDIAN         = 1u << 6,
    ACCESS_ROLE_EXTERNAL_SERVICE = 1u << 7,
    ACCESS_ROLE_DPO              = 1u << 8,
};
#define ACCESS_ROLE_COUNT  9
#define ACCESS_ROLES_ALL   ((1u << ACCESS_ROLE_COUNT) - 1)
/* The roles this issue serves (the web pages of the staff). */
#define ACCESS_ROLES_STAFF (ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER | \
                            ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEACHER)

/* Set in a role set for any request with a valid session or API token,
** whatever roles the account holds (so "signed in, no roles" differs from
** "anonymous", which is the empty set 0). */
#define ACCESS_SIGNED_IN   (1u << 29)

/* The bit for a role code ("key_worker"), or 0 if there is no such role. */
unsigned access_role_parse(const char *code);

/* The code ("key_worker") and the display name ("Key worker") of a single
** role bit; NULL for anything else.  Static strings. */
const char *access_role_code(unsigned bit);
const char *access_role_name(unsigned bit);

/* Append the codes of the roles in set to out, comma-separated
** ("school_leader, teacher"), or "-" when there are none. */
void access_roles_format(unsigned set, buf *out);

/* The role codes every role bit stands for, in bit order, for messages:
** "administrator, school_leader, ...".  Static string. */
const char *access_role_codes(void);

/* ---- who is asking ------------------------------------------------------- */

typedef struct access_ctx {
    store   *st;              /* the database to look relationships up in */
    int64_t  account_id;
    int64_t  institution_id;  /* the account's institution; 0 = none */
    int64_t  staff_id;        /* linked staff member; 0 = not linked */
    unsigned roles;           /* ACCESS_ROLE_* held in institution_id */
    int      disabled;        /* 1 = the account is disabled: no access at all */
} access_ctx;

/* Fill *out for account_id from the database (its institution, staff link,
** roles there and disabled flag), with out->st = st.  CAIRN_ENOTFOUND when
** there is no such account.  A disabled account loads with roles 0. */
int access_ctx_load(store *st, int64_t account_id, access_ctx *out, cairn_err *err);

/* ---- learner records ------------------------------------------------------ */

/* May ctx see the record of learner_id (in ctx's institution)?  1 yes,
** 0 no (also when there is no such learner, or the account is disabled in
** the database now, even if ctx says otherwise), -1 could not tell (err
** set; treat as no). */
int access_can_view_learner(const access_ctx *ctx, int64_t learner_id, cairn_err *err);

/* 1 when access_learner_predicate names a set of learners (the viewer does
** not see the whole institution: risk_visibility.narrow), else 0. */
int access_learner_set_narrow(const access_ctx *ctx);

/* Append to sql a boolean SQL expression that is true exactly for the
** learners ctx may see, for a query where inst_col and learner_col name the
** institution and learner id columns ("l.institution_id", "l.id").  The
** column names are the programmer's constants, never input.  The
** expression has '?' parameters; bind them with
** access_learner_predicate_bind() starting at the index of the first of
** them, which returns the index after the last.  The text and the bindings
** depend only on ctx, so one prepared statement serves one ctx. */
void access_learner_predicate(const access_ctx *ctx, const char *inst_col,
                              const char *learner_col, buf *sql);
int  access_learner_predicate_bind(const access_ctx *ctx, store_stmt *s, int first);

/* What someone may do to a learner's record (web/actions.h). */
typedef enum access_action {
    ACCESS_ACT_ACKNOWLEDGE = 1,        /* acknowledge a flag with a comment */
    ACCESS_ACT_ASSIGN_KEY_WORKER = 2,  /* name the learner's key worker */
    ACCESS_ACT_CONSENT = 3,            /* record or withdraw a consent */
    ACCESS_ACT_CONSENT_OVERRIDE = 4    /* a leader's emergency override of consent */
} access_action;

/* May ctx do action to learner_id's record (in ctx's institution)?
**   ACCESS_ACT_ACKNOWLEDGE        whoever may see the record
**                                 (access_can_view_learner)
**   ACCESS_ACT_ASSIGN_KEY_WORKER  administrators and school leaders of the
**                                 institution only
**   ACCESS_ACT_CONSENT            administrators, school leaders, and key
**                                 workers who may see the record (not
**                                 teachers: consent is asked by the school's
**                                 office or the learner's key worker)
**   ACCESS_ACT_CONSENT_OVERRIDE   school leaders only
** 1 yes, 0 no (also for an unknown learner or action, a disabled account),
** -1 could not tell (err set; treat as no). */
int access_can_act_on_learner(const access_ctx *ctx, int64_t learner_id, access_action action,
                              cairn_err *err);

/* May ctx see the group group_id (in ctx's institution) as a whole — its
** weekly attendance, say?  Administrators and school leaders see every
** group; a teacher the groups they teach (group_staff, any role there but
** 'key_worker'); nobody else.  1 yes, 0 no (also for an unknown group or a
** disabled account), -1 could not tell (err set; treat as no). */
int access_can_view_group(const access_ctx *ctx, int64_t group_id, cairn_err *err);

/* ---- cases ------------------------------------------------------------------- */

/* ctx's relationship to case case_id of its institution, as
** SUPPORT_CASE_REL_* bits (support/case.h) into *rel: KEY_WORKER when its
** staff member is the case's key worker, TEAM when on its team, LEADER when
** it holds the school leader role.  Only KEY_WORKER and TEAM see a case's
** contents; LEADER alone sees its state, tier and deadlines.  0 for a
** disabled account (asked of the database), an account without roles or
** an unknown case.  0, or -1 with err set (treat as no relationship). */
int access_case_relation(const access_ctx *ctx, int64_t case_id, unsigned *rel, cairn_err *err);

/* access_case_relation for each of case_ids[0..n) into rels[i] (an id of 0
** or less: no relationship), with a few statements for all of them (a
** list's rows).  0, or -1 with err set (treat as no relationship). */
int access_case_relations(const access_ctx *ctx, const int64_t *case_ids, size_t n,
                          unsigned *rels, cairn_err *err);

/* For each of learners[0..n) its case that is not closed into case_ids[i]
** (0 = none) and ctx's relationship to that case into rels[i], as
** access_case_relations would give it, with one statement per learner (a
** list's rows).  0, or -1 with err set (treat as no relationship). */
int access_learner_cases(const access_ctx *ctx, const int64_t *learners, size_t n,
                         int64_t *case_ids, unsigned *rels, cairn_err *err);

/* ---- routes ------------------------------------------------------------------ */

/* Who may use a route: role bits, or one of these two. */
#define ACCESS_PUBLIC      (1u << 30)   /* anyone, signed in or not */
/* ACCESS_SIGNED_IN (above) as a rule: any signed-in account */

enum { ACCESS_NO_RULE = -1, ACCESS_DENY = 0, ACCESS_ALLOW = 1 };

/* May a request with role_set use route?  role_set is 0 for an anonymous
** request, else ACCESS_SIGNED_IN | the account's role bits.  ACCESS_ALLOW,
** ACCESS_DENY, or ACCESS_NO_RULE when route is NULL or its access is 0
** (callers refuse it). */
int access_route_allowed(unsigned role_set, const web_route *route);

#endif
